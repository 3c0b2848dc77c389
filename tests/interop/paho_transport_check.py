#!/usr/bin/env python3
"""paho-mqtt over TLS, WebSocket and secure WebSocket against a running broker.

Usage: paho_transport_check.py TLS_PORT WS_PORT WSS_PORT CERT_DIR
"""
import ssl
import sys
import threading

import paho.mqtt.client as mqtt

TLS_PORT, WS_PORT, WSS_PORT = (int(p) for p in sys.argv[1:4])
CERTS = sys.argv[4]
TIMEOUT = 10.0


def fail(msg):
    print(f"FAIL: {msg}", file=sys.stderr)
    sys.exit(1)


def client(name, port, transport="tcp", tls=False, cert=None):
    got = []
    cond = threading.Condition()
    connected = threading.Event()
    c = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=name, transport=transport,
                    protocol=mqtt.MQTTv311)
    if transport == "websockets":
        c.ws_set_options(path="/mqtt")
    if tls:
        kwargs = {"ca_certs": f"{CERTS}/ca.pem", "cert_reqs": ssl.CERT_REQUIRED}
        if cert:
            kwargs.update(certfile=f"{CERTS}/{cert}.pem", keyfile=f"{CERTS}/{cert}.key")
        c.tls_set(**kwargs)

    def on_message(_c, _u, msg):
        with cond:
            got.append(msg)
            cond.notify_all()

    c.on_connect = lambda *a: connected.set()
    c.on_message = on_message
    c.connect("localhost", port, 30)
    c.loop_start()
    if not connected.wait(TIMEOUT):
        fail(f"{name}: no CONNACK on port {port}")

    def next_message():
        with cond:
            if not cond.wait_for(lambda: got, TIMEOUT):
                fail(f"{name}: no message")
            return got.pop(0)

    return c, next_message


def round_trip(label, **kwargs):
    sub, next_message = client(f"sub-{label}", **kwargs)
    done = threading.Event()
    sub.on_subscribe = lambda *a: done.set()
    sub.subscribe(f"transport/{label}", 1)
    if not done.wait(TIMEOUT):
        fail(f"{label}: no SUBACK")
    pub, _ = client(f"pub-{label}", **kwargs)
    payload = bytes(range(256)) * 400  # 100 KiB: several frames / records
    pub.publish(f"transport/{label}", payload, 1).wait_for_publish(TIMEOUT)
    msg = next_message()
    if msg.payload != payload:
        fail(f"{label}: payload mismatch ({len(msg.payload)} bytes)")
    for c in (sub, pub):
        c.disconnect()
        c.loop_stop()
    print(f"ok: paho-mqtt over {label}")


round_trip("tls", port=TLS_PORT, tls=True)
round_trip("mutual-tls", port=TLS_PORT, tls=True, cert="client")
round_trip("websocket", port=WS_PORT, transport="websockets")
round_trip("secure-websocket", port=WSS_PORT, transport="websockets", tls=True)
print("paho-mqtt transports: all checks passed")
