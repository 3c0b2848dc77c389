#!/usr/bin/env bash
# Makes a throwaway CA, a server certificate for localhost/127.0.0.1, a client certificate
# from that CA and one from another CA, in DIR. Usage: certs.sh DIR
set -euo pipefail
dir=$1
cd "$dir"
ossl() { openssl "$@" 2>/dev/null; }
ca() { # name
  ossl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
    -keyout "$1.key" -out "$1.pem" -subj "/CN=$1"
}
leaf() { # name ca [san]
  ossl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$1.key" -out "$1.csr" -subj "/CN=$1"
  printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\n' >"$1.ext"
  ossl x509 -req -in "$1.csr" -CA "$2.pem" -CAkey "$2.key" -CAcreateserial -days 2 \
    -extfile "$1.ext" -out "$1.pem"
}
ca ca
ca otherca
leaf server ca
leaf client ca
leaf stranger otherca
