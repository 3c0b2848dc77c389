# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_nanomq_cli_global_optspecs
    string join \n url= username= password= token= o/output= no-color timeout= cacert= profile= watch= h/help V/version
end

function __fish_nanomq_cli_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_nanomq_cli_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_nanomq_cli_using_subcommand
    set -l cmd (__fish_nanomq_cli_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c nanomq-cli -n "__fish_nanomq_cli_needs_command" -l url -d 'Base URL of the broker\'s HTTP API [default: http://127.0.0.1:8081]' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_needs_command" -l username -d 'HTTP API username (basic auth) [default: admin]. After `pub`, `sub`, `bench` and `acl check`, `--username` (and `--password`) are the MQTT client\'s: give the API\'s before the command' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_needs_command" -l password -d 'HTTP API password (basic auth) [default: public]' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_needs_command" -l token -d 'Bearer token (JWT, see `token create`), used instead of the username and password' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_needs_command" -s o -l output -d 'Output format: tables for people, or the API\'s `data` as JSON for scripts [default: table]' -r -f -a "table\t'Tables and short messages'
json\t'JSON: the API\'s `data`, unchanged'
toml\t'TOML, as in `etc/nanomq.conf` (`config get` only)'"
complete -c nanomq-cli -n "__fish_nanomq_cli_needs_command" -l timeout -d 'How long to wait for the broker, e.g. 500ms, 10s, 1m [default: 10s]' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_needs_command" -l cacert -d 'CA certificates (PEM) to trust for an https:// URL, besides the system\'s' -r -F
complete -c nanomq-cli -n "__fish_nanomq_cli_needs_command" -l profile -d 'Use this section of the profile file ($NANOMQ_CLI_CONFIG, else $XDG_CONFIG_HOME/nanomq/cli.toml, else ~/.config/nanomq/cli.toml)' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_needs_command" -l watch -d 'Redraw every SECONDS (default 2) until Ctrl-C, with message and connection rates: for `status`, `metrics`, `topic-tree`, `clients list` and `subscriptions list`' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_needs_command" -l no-color -d 'No colours in the output (also when NO_COLOR is set)'
complete -c nanomq-cli -n "__fish_nanomq_cli_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c nanomq-cli -n "__fish_nanomq_cli_needs_command" -s V -l version -d 'Print version'
complete -c nanomq-cli -n "__fish_nanomq_cli_needs_command" -f -a "pub" -d 'Publish MQTT messages'
complete -c nanomq-cli -n "__fish_nanomq_cli_needs_command" -f -a "sub" -d 'Subscribe and print MQTT messages'
complete -c nanomq-cli -n "__fish_nanomq_cli_needs_command" -f -a "bench" -d 'Load-test a broker (publishers, subscribers, idle connections)'
complete -c nanomq-cli -n "__fish_nanomq_cli_needs_command" -f -a "status" -d 'Broker and node status in one view'
complete -c nanomq-cli -n "__fish_nanomq_cli_needs_command" -f -a "bridges" -d 'The bridges to upstream brokers: state and counters (GET /bridges)'
complete -c nanomq-cli -n "__fish_nanomq_cli_needs_command" -f -a "brokers" -d 'The broker\'s version, status and uptime (GET /brokers)'
complete -c nanomq-cli -n "__fish_nanomq_cli_needs_command" -f -a "nodes" -d 'The node\'s status and connection count (GET /nodes)'
complete -c nanomq-cli -n "__fish_nanomq_cli_needs_command" -f -a "endpoints" -d 'The routes the HTTP API serves (GET /api/v4)'
complete -c nanomq-cli -n "__fish_nanomq_cli_needs_command" -f -a "clients" -d 'List, show and kick clients (and persistent sessions)'
complete -c nanomq-cli -n "__fish_nanomq_cli_needs_command" -f -a "subscriptions" -d 'List the subscriptions, or one client\'s'
complete -c nanomq-cli -n "__fish_nanomq_cli_needs_command" -f -a "subs" -d 'List the subscriptions, or one client\'s'
complete -c nanomq-cli -n "__fish_nanomq_cli_needs_command" -f -a "topic-tree" -d 'The subscription tree, drawn as a tree'
complete -c nanomq-cli -n "__fish_nanomq_cli_needs_command" -f -a "retained" -d 'List, show and remove retained messages'
complete -c nanomq-cli -n "__fish_nanomq_cli_needs_command" -f -a "config" -d 'Show or change the broker\'s configuration'
complete -c nanomq-cli -n "__fish_nanomq_cli_needs_command" -f -a "ctrl" -d 'Stop or restart the broker'
complete -c nanomq-cli -n "__fish_nanomq_cli_needs_command" -f -a "publish" -d 'Publish a message through the HTTP API (see `pub` for MQTT)'
complete -c nanomq-cli -n "__fish_nanomq_cli_needs_command" -f -a "metrics" -d 'The broker\'s counters (GET /metrics)'
complete -c nanomq-cli -n "__fish_nanomq_cli_needs_command" -f -a "token" -d 'JSON Web Tokens for the HTTP API\'s `auth_type = "jwt"`'
complete -c nanomq-cli -n "__fish_nanomq_cli_needs_command" -f -a "passwd" -d 'Add, change or remove a user in a password file (argon2id hashes)'
complete -c nanomq-cli -n "__fish_nanomq_cli_needs_command" -f -a "acl" -d 'Ask the running broker\'s access-control rules'
complete -c nanomq-cli -n "__fish_nanomq_cli_needs_command" -f -a "log" -d 'The broker\'s log level, shown or changed at run time'
complete -c nanomq-cli -n "__fish_nanomq_cli_needs_command" -f -a "completions" -d 'Print a shell completion script'
complete -c nanomq-cli -n "__fish_nanomq_cli_needs_command" -f -a "man" -d 'Print the man page (roff; `nanomq-cli man | man -l -`), or write every page (one per command) into DIR'
complete -c nanomq-cli -n "__fish_nanomq_cli_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand pub" -s h -l host -d 'Broker host [default: the host of the HTTP API\'s URL (--url, NANOMQ_URL, the profile), else 127.0.0.1]' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand pub" -s p -l port -d 'Broker MQTT port (default 1883, or 8883 with --tls)' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand pub" -s V -l mqtt-version -d 'MQTT version: 3 (3.1), 4 (3.1.1) or 5' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand pub" -s u -l user -d 'MQTT username (`--username` too, after the command, as mosquitto_pub takes it). Without it the client connects with no username: the HTTP API\'s login (--username before the command, NANOMQ_USERNAME, the profile) is never sent over MQTT, and a note on stderr says so when one is set' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand pub" -s P -l pw -d 'MQTT password, with -u (`--password` too, after the command)' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand pub" -s k -l keepalive -d 'Keep alive, seconds' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand pub" -l cafile -d 'CA certificates to trust (PEM), with --tls; without it, the system\'s trust store' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand pub" -l cert -d 'Client certificate (PEM), for mutual TLS' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand pub" -l key -d 'Client private key (PEM), for mutual TLS' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand pub" -s t -l topic -d 'Topic to publish to' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand pub" -s m -l message -d 'Message payload (reads standard input when neither -m nor -f is given)' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand pub" -s f -l file -d 'Publish the content of a file' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand pub" -s q -l qos -d 'QoS: 0, 1 or 2' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand pub" -l user-property -d 'MQTT 5 user property, `key=value` (repeatable)' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand pub" -l count -d 'Publish this many times' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand pub" -l interval -d 'Pause between repeated publishes (e.g. 100ms)' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand pub" -s i -l id -d 'Client identifier (default: generated)' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand pub" -l url -d 'Base URL of the broker\'s HTTP API [default: http://127.0.0.1:8081]' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand pub" -l username -d 'HTTP API username (basic auth) [default: admin]. After `pub`, `sub`, `bench` and `acl check`, `--username` (and `--password`) are the MQTT client\'s: give the API\'s before the command' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand pub" -l password -d 'HTTP API password (basic auth) [default: public]' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand pub" -l token -d 'Bearer token (JWT, see `token create`), used instead of the username and password' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand pub" -s o -l output -d 'Output format: tables for people, or the API\'s `data` as JSON for scripts [default: table]' -r -f -a "table\t'Tables and short messages'
json\t'JSON: the API\'s `data`, unchanged'
toml\t'TOML, as in `etc/nanomq.conf` (`config get` only)'"
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand pub" -l timeout -d 'How long to wait for the broker, e.g. 500ms, 10s, 1m [default: 10s]' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand pub" -l cacert -d 'CA certificates (PEM) to trust for an https:// URL, besides the system\'s' -r -F
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand pub" -l profile -d 'Use this section of the profile file ($NANOMQ_CLI_CONFIG, else $XDG_CONFIG_HOME/nanomq/cli.toml, else ~/.config/nanomq/cli.toml)' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand pub" -l watch -d 'Redraw every SECONDS (default 2) until Ctrl-C, with message and connection rates: for `status`, `metrics`, `topic-tree`, `clients list` and `subscriptions list`' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand pub" -l tls -d 'Connect with TLS'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand pub" -l insecure -d 'Do not verify the broker\'s certificate'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand pub" -l help -d 'Print help'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand pub" -s r -l retain -d 'Set the RETAIN flag'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand pub" -l no-color -d 'No colours in the output (also when NO_COLOR is set)'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand sub" -s h -l host -d 'Broker host [default: the host of the HTTP API\'s URL (--url, NANOMQ_URL, the profile), else 127.0.0.1]' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand sub" -s p -l port -d 'Broker MQTT port (default 1883, or 8883 with --tls)' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand sub" -s V -l mqtt-version -d 'MQTT version: 3 (3.1), 4 (3.1.1) or 5' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand sub" -s u -l user -d 'MQTT username (`--username` too, after the command, as mosquitto_pub takes it). Without it the client connects with no username: the HTTP API\'s login (--username before the command, NANOMQ_USERNAME, the profile) is never sent over MQTT, and a note on stderr says so when one is set' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand sub" -s P -l pw -d 'MQTT password, with -u (`--password` too, after the command)' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand sub" -s k -l keepalive -d 'Keep alive, seconds' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand sub" -l cafile -d 'CA certificates to trust (PEM), with --tls; without it, the system\'s trust store' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand sub" -l cert -d 'Client certificate (PEM), for mutual TLS' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand sub" -l key -d 'Client private key (PEM), for mutual TLS' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand sub" -s t -l topic -d 'Topic filter (repeatable)' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand sub" -s q -l qos -d 'QoS: 0, 1 or 2' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand sub" -s C -l count -d 'Exit after this many messages' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand sub" -s F -l format -d 'Line format: `text` ("topic: payload") or `json` (one object per line)' -r -f -a "text\t'`topic: payload`'
json\t'`{"topic":..,"payload":..,"qos":..,"retain":..}`'"
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand sub" -s i -l id -d 'Client identifier (default: generated)' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand sub" -l url -d 'Base URL of the broker\'s HTTP API [default: http://127.0.0.1:8081]' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand sub" -l username -d 'HTTP API username (basic auth) [default: admin]. After `pub`, `sub`, `bench` and `acl check`, `--username` (and `--password`) are the MQTT client\'s: give the API\'s before the command' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand sub" -l password -d 'HTTP API password (basic auth) [default: public]' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand sub" -l token -d 'Bearer token (JWT, see `token create`), used instead of the username and password' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand sub" -s o -l output -d 'Output format: tables for people, or the API\'s `data` as JSON for scripts [default: table]' -r -f -a "table\t'Tables and short messages'
json\t'JSON: the API\'s `data`, unchanged'
toml\t'TOML, as in `etc/nanomq.conf` (`config get` only)'"
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand sub" -l timeout -d 'How long to wait for the broker, e.g. 500ms, 10s, 1m [default: 10s]' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand sub" -l cacert -d 'CA certificates (PEM) to trust for an https:// URL, besides the system\'s' -r -F
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand sub" -l profile -d 'Use this section of the profile file ($NANOMQ_CLI_CONFIG, else $XDG_CONFIG_HOME/nanomq/cli.toml, else ~/.config/nanomq/cli.toml)' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand sub" -l watch -d 'Redraw every SECONDS (default 2) until Ctrl-C, with message and connection rates: for `status`, `metrics`, `topic-tree`, `clients list` and `subscriptions list`' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand sub" -l tls -d 'Connect with TLS'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand sub" -l insecure -d 'Do not verify the broker\'s certificate'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand sub" -l help -d 'Print help'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand sub" -l persistent -d 'Keep the session when disconnecting (clean session / clean start off)'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand sub" -l reconnect -d 'When the connection is lost, connect and subscribe again (after 1 s, doubling up to 30 s), instead of exiting with status 3'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand sub" -l no-color -d 'No colours in the output (also when NO_COLOR is set)'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bench; and not __fish_seen_subcommand_from pub sub conn help" -l url -d 'Base URL of the broker\'s HTTP API [default: http://127.0.0.1:8081]' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bench; and not __fish_seen_subcommand_from pub sub conn help" -l username -d 'HTTP API username (basic auth) [default: admin]. After `pub`, `sub`, `bench` and `acl check`, `--username` (and `--password`) are the MQTT client\'s: give the API\'s before the command' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bench; and not __fish_seen_subcommand_from pub sub conn help" -l password -d 'HTTP API password (basic auth) [default: public]' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bench; and not __fish_seen_subcommand_from pub sub conn help" -l token -d 'Bearer token (JWT, see `token create`), used instead of the username and password' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bench; and not __fish_seen_subcommand_from pub sub conn help" -s o -l output -d 'Output format: tables for people, or the API\'s `data` as JSON for scripts [default: table]' -r -f -a "table\t'Tables and short messages'
json\t'JSON: the API\'s `data`, unchanged'
toml\t'TOML, as in `etc/nanomq.conf` (`config get` only)'"
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bench; and not __fish_seen_subcommand_from pub sub conn help" -l timeout -d 'How long to wait for the broker, e.g. 500ms, 10s, 1m [default: 10s]' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bench; and not __fish_seen_subcommand_from pub sub conn help" -l cacert -d 'CA certificates (PEM) to trust for an https:// URL, besides the system\'s' -r -F
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bench; and not __fish_seen_subcommand_from pub sub conn help" -l profile -d 'Use this section of the profile file ($NANOMQ_CLI_CONFIG, else $XDG_CONFIG_HOME/nanomq/cli.toml, else ~/.config/nanomq/cli.toml)' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bench; and not __fish_seen_subcommand_from pub sub conn help" -l watch -d 'Redraw every SECONDS (default 2) until Ctrl-C, with message and connection rates: for `status`, `metrics`, `topic-tree`, `clients list` and `subscriptions list`' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bench; and not __fish_seen_subcommand_from pub sub conn help" -l no-color -d 'No colours in the output (also when NO_COLOR is set)'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bench; and not __fish_seen_subcommand_from pub sub conn help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bench; and not __fish_seen_subcommand_from pub sub conn help" -f -a "pub" -d 'Publishers'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bench; and not __fish_seen_subcommand_from pub sub conn help" -f -a "sub" -d 'Subscribers, reporting throughput and end-to-end latency'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bench; and not __fish_seen_subcommand_from pub sub conn help" -f -a "conn" -d 'Connections that only keep alive (connect rate, memory per connection)'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bench; and not __fish_seen_subcommand_from pub sub conn help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bench; and __fish_seen_subcommand_from pub" -s h -l host -d 'Broker host [default: the host of the HTTP API\'s URL (--url, NANOMQ_URL, the profile), else 127.0.0.1]' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bench; and __fish_seen_subcommand_from pub" -s p -l port -d 'Broker MQTT port (default 1883, or 8883 with --tls)' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bench; and __fish_seen_subcommand_from pub" -s V -l mqtt-version -d 'MQTT version: 3 (3.1), 4 (3.1.1) or 5' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bench; and __fish_seen_subcommand_from pub" -s u -l user -d 'MQTT username (`--username` too, after the command, as mosquitto_pub takes it). Without it the client connects with no username: the HTTP API\'s login (--username before the command, NANOMQ_USERNAME, the profile) is never sent over MQTT, and a note on stderr says so when one is set' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bench; and __fish_seen_subcommand_from pub" -s P -l pw -d 'MQTT password, with -u (`--password` too, after the command)' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bench; and __fish_seen_subcommand_from pub" -s k -l keepalive -d 'Keep alive, seconds' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bench; and __fish_seen_subcommand_from pub" -l cafile -d 'CA certificates to trust (PEM), with --tls; without it, the system\'s trust store' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bench; and __fish_seen_subcommand_from pub" -l cert -d 'Client certificate (PEM), for mutual TLS' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bench; and __fish_seen_subcommand_from pub" -l key -d 'Client private key (PEM), for mutual TLS' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bench; and __fish_seen_subcommand_from pub" -s c -l count -d 'Number of clients' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bench; and __fish_seen_subcommand_from pub" -s i -l interval -d 'Pause between starting two clients, milliseconds (0: as fast as the broker accepts)' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bench; and __fish_seen_subcommand_from pub" -l prefix -d 'Client identifier prefix (the client index is appended); default `bench-{pub,sub,conn}-{process id}-`' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bench; and __fish_seen_subcommand_from pub" -l duration -d 'Stop after this long (e.g. 30s); default: run until Ctrl-C or the limit' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bench; and __fish_seen_subcommand_from pub" -s t -l topic -d 'Topic; `%i` is replaced by the client index' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bench; and __fish_seen_subcommand_from pub" -s s -l size -d 'Payload size in bytes (at least 8 to carry the send time)' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bench; and __fish_seen_subcommand_from pub" -s q -l qos -d 'QoS' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bench; and __fish_seen_subcommand_from pub" -s I -l message-interval -d 'Pause between two messages of one client, milliseconds (0: as fast as possible)' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bench; and __fish_seen_subcommand_from pub" -s R -l rate -d 'Messages per second from all clients together: one evenly paced stream the clients take turns at (0: no pacing). Latency is then counted from each message\'s scheduled time, so a publisher held up does not hide the delay' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bench; and __fish_seen_subcommand_from pub" -s L -l limit -d 'Messages per client (0: unlimited)' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bench; and __fish_seen_subcommand_from pub" -l inflight -d 'QoS 1/2 messages in flight per client' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bench; and __fish_seen_subcommand_from pub" -l url -d 'Base URL of the broker\'s HTTP API [default: http://127.0.0.1:8081]' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bench; and __fish_seen_subcommand_from pub" -l username -d 'HTTP API username (basic auth) [default: admin]. After `pub`, `sub`, `bench` and `acl check`, `--username` (and `--password`) are the MQTT client\'s: give the API\'s before the command' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bench; and __fish_seen_subcommand_from pub" -l password -d 'HTTP API password (basic auth) [default: public]' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bench; and __fish_seen_subcommand_from pub" -l token -d 'Bearer token (JWT, see `token create`), used instead of the username and password' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bench; and __fish_seen_subcommand_from pub" -s o -l output -d 'Output format: tables for people, or the API\'s `data` as JSON for scripts [default: table]' -r -f -a "table\t'Tables and short messages'
json\t'JSON: the API\'s `data`, unchanged'
toml\t'TOML, as in `etc/nanomq.conf` (`config get` only)'"
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bench; and __fish_seen_subcommand_from pub" -l timeout -d 'How long to wait for the broker, e.g. 500ms, 10s, 1m [default: 10s]' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bench; and __fish_seen_subcommand_from pub" -l cacert -d 'CA certificates (PEM) to trust for an https:// URL, besides the system\'s' -r -F
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bench; and __fish_seen_subcommand_from pub" -l profile -d 'Use this section of the profile file ($NANOMQ_CLI_CONFIG, else $XDG_CONFIG_HOME/nanomq/cli.toml, else ~/.config/nanomq/cli.toml)' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bench; and __fish_seen_subcommand_from pub" -l watch -d 'Redraw every SECONDS (default 2) until Ctrl-C, with message and connection rates: for `status`, `metrics`, `topic-tree`, `clients list` and `subscriptions list`' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bench; and __fish_seen_subcommand_from pub" -l tls -d 'Connect with TLS'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bench; and __fish_seen_subcommand_from pub" -l insecure -d 'Do not verify the broker\'s certificate'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bench; and __fish_seen_subcommand_from pub" -l help -d 'Print help'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bench; and __fish_seen_subcommand_from pub" -l json -d 'Print the final summary as one JSON object'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bench; and __fish_seen_subcommand_from pub" -s r -l retain -d 'Publish with the RETAIN flag'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bench; and __fish_seen_subcommand_from pub" -l no-color -d 'No colours in the output (also when NO_COLOR is set)'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bench; and __fish_seen_subcommand_from sub" -s h -l host -d 'Broker host [default: the host of the HTTP API\'s URL (--url, NANOMQ_URL, the profile), else 127.0.0.1]' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bench; and __fish_seen_subcommand_from sub" -s p -l port -d 'Broker MQTT port (default 1883, or 8883 with --tls)' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bench; and __fish_seen_subcommand_from sub" -s V -l mqtt-version -d 'MQTT version: 3 (3.1), 4 (3.1.1) or 5' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bench; and __fish_seen_subcommand_from sub" -s u -l user -d 'MQTT username (`--username` too, after the command, as mosquitto_pub takes it). Without it the client connects with no username: the HTTP API\'s login (--username before the command, NANOMQ_USERNAME, the profile) is never sent over MQTT, and a note on stderr says so when one is set' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bench; and __fish_seen_subcommand_from sub" -s P -l pw -d 'MQTT password, with -u (`--password` too, after the command)' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bench; and __fish_seen_subcommand_from sub" -s k -l keepalive -d 'Keep alive, seconds' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bench; and __fish_seen_subcommand_from sub" -l cafile -d 'CA certificates to trust (PEM), with --tls; without it, the system\'s trust store' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bench; and __fish_seen_subcommand_from sub" -l cert -d 'Client certificate (PEM), for mutual TLS' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bench; and __fish_seen_subcommand_from sub" -l key -d 'Client private key (PEM), for mutual TLS' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bench; and __fish_seen_subcommand_from sub" -s c -l count -d 'Number of clients' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bench; and __fish_seen_subcommand_from sub" -s i -l interval -d 'Pause between starting two clients, milliseconds (0: as fast as the broker accepts)' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bench; and __fish_seen_subcommand_from sub" -l prefix -d 'Client identifier prefix (the client index is appended); default `bench-{pub,sub,conn}-{process id}-`' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bench; and __fish_seen_subcommand_from sub" -l duration -d 'Stop after this long (e.g. 30s); default: run until Ctrl-C or the limit' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bench; and __fish_seen_subcommand_from sub" -s t -l topic -d 'Topic filter; `%i` is replaced by the client index' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bench; and __fish_seen_subcommand_from sub" -s q -l qos -d 'QoS' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bench; and __fish_seen_subcommand_from sub" -s L -l limit -d 'Stop once all subscribers together received this many messages (0: no limit)' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bench; and __fish_seen_subcommand_from sub" -l url -d 'Base URL of the broker\'s HTTP API [default: http://127.0.0.1:8081]' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bench; and __fish_seen_subcommand_from sub" -l username -d 'HTTP API username (basic auth) [default: admin]. After `pub`, `sub`, `bench` and `acl check`, `--username` (and `--password`) are the MQTT client\'s: give the API\'s before the command' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bench; and __fish_seen_subcommand_from sub" -l password -d 'HTTP API password (basic auth) [default: public]' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bench; and __fish_seen_subcommand_from sub" -l token -d 'Bearer token (JWT, see `token create`), used instead of the username and password' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bench; and __fish_seen_subcommand_from sub" -s o -l output -d 'Output format: tables for people, or the API\'s `data` as JSON for scripts [default: table]' -r -f -a "table\t'Tables and short messages'
json\t'JSON: the API\'s `data`, unchanged'
toml\t'TOML, as in `etc/nanomq.conf` (`config get` only)'"
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bench; and __fish_seen_subcommand_from sub" -l timeout -d 'How long to wait for the broker, e.g. 500ms, 10s, 1m [default: 10s]' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bench; and __fish_seen_subcommand_from sub" -l cacert -d 'CA certificates (PEM) to trust for an https:// URL, besides the system\'s' -r -F
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bench; and __fish_seen_subcommand_from sub" -l profile -d 'Use this section of the profile file ($NANOMQ_CLI_CONFIG, else $XDG_CONFIG_HOME/nanomq/cli.toml, else ~/.config/nanomq/cli.toml)' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bench; and __fish_seen_subcommand_from sub" -l watch -d 'Redraw every SECONDS (default 2) until Ctrl-C, with message and connection rates: for `status`, `metrics`, `topic-tree`, `clients list` and `subscriptions list`' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bench; and __fish_seen_subcommand_from sub" -l tls -d 'Connect with TLS'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bench; and __fish_seen_subcommand_from sub" -l insecure -d 'Do not verify the broker\'s certificate'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bench; and __fish_seen_subcommand_from sub" -l help -d 'Print help'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bench; and __fish_seen_subcommand_from sub" -l json -d 'Print the final summary as one JSON object'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bench; and __fish_seen_subcommand_from sub" -l persistent -d 'Persistent sessions (clean session off), which the broker\'s store keeps: what the durability benchmarks measure'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bench; and __fish_seen_subcommand_from sub" -l no-color -d 'No colours in the output (also when NO_COLOR is set)'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bench; and __fish_seen_subcommand_from conn" -s h -l host -d 'Broker host [default: the host of the HTTP API\'s URL (--url, NANOMQ_URL, the profile), else 127.0.0.1]' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bench; and __fish_seen_subcommand_from conn" -s p -l port -d 'Broker MQTT port (default 1883, or 8883 with --tls)' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bench; and __fish_seen_subcommand_from conn" -s V -l mqtt-version -d 'MQTT version: 3 (3.1), 4 (3.1.1) or 5' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bench; and __fish_seen_subcommand_from conn" -s u -l user -d 'MQTT username (`--username` too, after the command, as mosquitto_pub takes it). Without it the client connects with no username: the HTTP API\'s login (--username before the command, NANOMQ_USERNAME, the profile) is never sent over MQTT, and a note on stderr says so when one is set' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bench; and __fish_seen_subcommand_from conn" -s P -l pw -d 'MQTT password, with -u (`--password` too, after the command)' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bench; and __fish_seen_subcommand_from conn" -s k -l keepalive -d 'Keep alive, seconds' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bench; and __fish_seen_subcommand_from conn" -l cafile -d 'CA certificates to trust (PEM), with --tls; without it, the system\'s trust store' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bench; and __fish_seen_subcommand_from conn" -l cert -d 'Client certificate (PEM), for mutual TLS' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bench; and __fish_seen_subcommand_from conn" -l key -d 'Client private key (PEM), for mutual TLS' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bench; and __fish_seen_subcommand_from conn" -s c -l count -d 'Number of clients' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bench; and __fish_seen_subcommand_from conn" -s i -l interval -d 'Pause between starting two clients, milliseconds (0: as fast as the broker accepts)' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bench; and __fish_seen_subcommand_from conn" -l prefix -d 'Client identifier prefix (the client index is appended); default `bench-{pub,sub,conn}-{process id}-`' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bench; and __fish_seen_subcommand_from conn" -l duration -d 'Stop after this long (e.g. 30s); default: run until Ctrl-C or the limit' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bench; and __fish_seen_subcommand_from conn" -l url -d 'Base URL of the broker\'s HTTP API [default: http://127.0.0.1:8081]' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bench; and __fish_seen_subcommand_from conn" -l username -d 'HTTP API username (basic auth) [default: admin]. After `pub`, `sub`, `bench` and `acl check`, `--username` (and `--password`) are the MQTT client\'s: give the API\'s before the command' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bench; and __fish_seen_subcommand_from conn" -l password -d 'HTTP API password (basic auth) [default: public]' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bench; and __fish_seen_subcommand_from conn" -l token -d 'Bearer token (JWT, see `token create`), used instead of the username and password' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bench; and __fish_seen_subcommand_from conn" -s o -l output -d 'Output format: tables for people, or the API\'s `data` as JSON for scripts [default: table]' -r -f -a "table\t'Tables and short messages'
json\t'JSON: the API\'s `data`, unchanged'
toml\t'TOML, as in `etc/nanomq.conf` (`config get` only)'"
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bench; and __fish_seen_subcommand_from conn" -l timeout -d 'How long to wait for the broker, e.g. 500ms, 10s, 1m [default: 10s]' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bench; and __fish_seen_subcommand_from conn" -l cacert -d 'CA certificates (PEM) to trust for an https:// URL, besides the system\'s' -r -F
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bench; and __fish_seen_subcommand_from conn" -l profile -d 'Use this section of the profile file ($NANOMQ_CLI_CONFIG, else $XDG_CONFIG_HOME/nanomq/cli.toml, else ~/.config/nanomq/cli.toml)' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bench; and __fish_seen_subcommand_from conn" -l watch -d 'Redraw every SECONDS (default 2) until Ctrl-C, with message and connection rates: for `status`, `metrics`, `topic-tree`, `clients list` and `subscriptions list`' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bench; and __fish_seen_subcommand_from conn" -l tls -d 'Connect with TLS'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bench; and __fish_seen_subcommand_from conn" -l insecure -d 'Do not verify the broker\'s certificate'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bench; and __fish_seen_subcommand_from conn" -l help -d 'Print help'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bench; and __fish_seen_subcommand_from conn" -l json -d 'Print the final summary as one JSON object'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bench; and __fish_seen_subcommand_from conn" -l no-color -d 'No colours in the output (also when NO_COLOR is set)'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bench; and __fish_seen_subcommand_from help" -f -a "pub" -d 'Publishers'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bench; and __fish_seen_subcommand_from help" -f -a "sub" -d 'Subscribers, reporting throughput and end-to-end latency'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bench; and __fish_seen_subcommand_from help" -f -a "conn" -d 'Connections that only keep alive (connect rate, memory per connection)'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bench; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand status" -l url -d 'Base URL of the broker\'s HTTP API [default: http://127.0.0.1:8081]' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand status" -l username -d 'HTTP API username (basic auth) [default: admin]. After `pub`, `sub`, `bench` and `acl check`, `--username` (and `--password`) are the MQTT client\'s: give the API\'s before the command' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand status" -l password -d 'HTTP API password (basic auth) [default: public]' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand status" -l token -d 'Bearer token (JWT, see `token create`), used instead of the username and password' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand status" -s o -l output -d 'Output format: tables for people, or the API\'s `data` as JSON for scripts [default: table]' -r -f -a "table\t'Tables and short messages'
json\t'JSON: the API\'s `data`, unchanged'
toml\t'TOML, as in `etc/nanomq.conf` (`config get` only)'"
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand status" -l timeout -d 'How long to wait for the broker, e.g. 500ms, 10s, 1m [default: 10s]' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand status" -l cacert -d 'CA certificates (PEM) to trust for an https:// URL, besides the system\'s' -r -F
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand status" -l profile -d 'Use this section of the profile file ($NANOMQ_CLI_CONFIG, else $XDG_CONFIG_HOME/nanomq/cli.toml, else ~/.config/nanomq/cli.toml)' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand status" -l watch -d 'Redraw every SECONDS (default 2) until Ctrl-C, with message and connection rates: for `status`, `metrics`, `topic-tree`, `clients list` and `subscriptions list`' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand status" -l no-color -d 'No colours in the output (also when NO_COLOR is set)'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand status" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bridges; and not __fish_seen_subcommand_from list show create update delete start stop sub unsub help" -l url -d 'Base URL of the broker\'s HTTP API [default: http://127.0.0.1:8081]' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bridges; and not __fish_seen_subcommand_from list show create update delete start stop sub unsub help" -l username -d 'HTTP API username (basic auth) [default: admin]. After `pub`, `sub`, `bench` and `acl check`, `--username` (and `--password`) are the MQTT client\'s: give the API\'s before the command' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bridges; and not __fish_seen_subcommand_from list show create update delete start stop sub unsub help" -l password -d 'HTTP API password (basic auth) [default: public]' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bridges; and not __fish_seen_subcommand_from list show create update delete start stop sub unsub help" -l token -d 'Bearer token (JWT, see `token create`), used instead of the username and password' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bridges; and not __fish_seen_subcommand_from list show create update delete start stop sub unsub help" -s o -l output -d 'Output format: tables for people, or the API\'s `data` as JSON for scripts [default: table]' -r -f -a "table\t'Tables and short messages'
json\t'JSON: the API\'s `data`, unchanged'
toml\t'TOML, as in `etc/nanomq.conf` (`config get` only)'"
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bridges; and not __fish_seen_subcommand_from list show create update delete start stop sub unsub help" -l timeout -d 'How long to wait for the broker, e.g. 500ms, 10s, 1m [default: 10s]' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bridges; and not __fish_seen_subcommand_from list show create update delete start stop sub unsub help" -l cacert -d 'CA certificates (PEM) to trust for an https:// URL, besides the system\'s' -r -F
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bridges; and not __fish_seen_subcommand_from list show create update delete start stop sub unsub help" -l profile -d 'Use this section of the profile file ($NANOMQ_CLI_CONFIG, else $XDG_CONFIG_HOME/nanomq/cli.toml, else ~/.config/nanomq/cli.toml)' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bridges; and not __fish_seen_subcommand_from list show create update delete start stop sub unsub help" -l watch -d 'Redraw every SECONDS (default 2) until Ctrl-C, with message and connection rates: for `status`, `metrics`, `topic-tree`, `clients list` and `subscriptions list`' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bridges; and not __fish_seen_subcommand_from list show create update delete start stop sub unsub help" -l no-color -d 'No colours in the output (also when NO_COLOR is set)'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bridges; and not __fish_seen_subcommand_from list show create update delete start stop sub unsub help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bridges; and not __fish_seen_subcommand_from list show create update delete start stop sub unsub help" -f -a "list" -d 'Every bridge: address, state, counters'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bridges; and not __fish_seen_subcommand_from list show create update delete start stop sub unsub help" -f -a "show" -d 'One bridge in full: state since when, last error, forwards, subscriptions, counters'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bridges; and not __fish_seen_subcommand_from list show create update delete start stop sub unsub help" -f -a "create" -d 'Create a bridge (`[bridges.mqtt.NAME]`, written to the broker\'s file) and start it: its settings from a file (JSON or TOML, `-` for standard input) and/or as KEY=VALUE (`server=mqtt-tcp://emqx:1883`, `\'forwards=[{local_topic="site/#"}]\'`)'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bridges; and not __fish_seen_subcommand_from list show create update delete start stop sub unsub help" -f -a "update" -d 'Change a bridge\'s settings (those not given keep their values); it restarts'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bridges; and not __fish_seen_subcommand_from list show create update delete start stop sub unsub help" -f -a "delete" -d 'Remove a bridge (from the broker\'s file too)'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bridges; and not __fish_seen_subcommand_from list show create update delete start stop sub unsub help" -f -a "start" -d 'Start a stopped bridge (`enable = true`)'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bridges; and not __fish_seen_subcommand_from list show create update delete start stop sub unsub help" -f -a "stop" -d 'Stop a bridge (`enable = false`); what it holds waits for its next start'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bridges; and not __fish_seen_subcommand_from list show create update delete start stop sub unsub help" -f -a "sub" -d 'Subscribe a bridge upstream, on its running connection: messages of FILTER upstream are published here'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bridges; and not __fish_seen_subcommand_from list show create update delete start stop sub unsub help" -f -a "unsub" -d 'Unsubscribe a bridge upstream, on its running connection'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bridges; and not __fish_seen_subcommand_from list show create update delete start stop sub unsub help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bridges; and __fish_seen_subcommand_from list" -l url -d 'Base URL of the broker\'s HTTP API [default: http://127.0.0.1:8081]' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bridges; and __fish_seen_subcommand_from list" -l username -d 'HTTP API username (basic auth) [default: admin]. After `pub`, `sub`, `bench` and `acl check`, `--username` (and `--password`) are the MQTT client\'s: give the API\'s before the command' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bridges; and __fish_seen_subcommand_from list" -l password -d 'HTTP API password (basic auth) [default: public]' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bridges; and __fish_seen_subcommand_from list" -l token -d 'Bearer token (JWT, see `token create`), used instead of the username and password' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bridges; and __fish_seen_subcommand_from list" -s o -l output -d 'Output format: tables for people, or the API\'s `data` as JSON for scripts [default: table]' -r -f -a "table\t'Tables and short messages'
json\t'JSON: the API\'s `data`, unchanged'
toml\t'TOML, as in `etc/nanomq.conf` (`config get` only)'"
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bridges; and __fish_seen_subcommand_from list" -l timeout -d 'How long to wait for the broker, e.g. 500ms, 10s, 1m [default: 10s]' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bridges; and __fish_seen_subcommand_from list" -l cacert -d 'CA certificates (PEM) to trust for an https:// URL, besides the system\'s' -r -F
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bridges; and __fish_seen_subcommand_from list" -l profile -d 'Use this section of the profile file ($NANOMQ_CLI_CONFIG, else $XDG_CONFIG_HOME/nanomq/cli.toml, else ~/.config/nanomq/cli.toml)' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bridges; and __fish_seen_subcommand_from list" -l watch -d 'Redraw every SECONDS (default 2) until Ctrl-C, with message and connection rates: for `status`, `metrics`, `topic-tree`, `clients list` and `subscriptions list`' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bridges; and __fish_seen_subcommand_from list" -l no-color -d 'No colours in the output (also when NO_COLOR is set)'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bridges; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bridges; and __fish_seen_subcommand_from show" -l url -d 'Base URL of the broker\'s HTTP API [default: http://127.0.0.1:8081]' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bridges; and __fish_seen_subcommand_from show" -l username -d 'HTTP API username (basic auth) [default: admin]. After `pub`, `sub`, `bench` and `acl check`, `--username` (and `--password`) are the MQTT client\'s: give the API\'s before the command' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bridges; and __fish_seen_subcommand_from show" -l password -d 'HTTP API password (basic auth) [default: public]' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bridges; and __fish_seen_subcommand_from show" -l token -d 'Bearer token (JWT, see `token create`), used instead of the username and password' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bridges; and __fish_seen_subcommand_from show" -s o -l output -d 'Output format: tables for people, or the API\'s `data` as JSON for scripts [default: table]' -r -f -a "table\t'Tables and short messages'
json\t'JSON: the API\'s `data`, unchanged'
toml\t'TOML, as in `etc/nanomq.conf` (`config get` only)'"
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bridges; and __fish_seen_subcommand_from show" -l timeout -d 'How long to wait for the broker, e.g. 500ms, 10s, 1m [default: 10s]' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bridges; and __fish_seen_subcommand_from show" -l cacert -d 'CA certificates (PEM) to trust for an https:// URL, besides the system\'s' -r -F
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bridges; and __fish_seen_subcommand_from show" -l profile -d 'Use this section of the profile file ($NANOMQ_CLI_CONFIG, else $XDG_CONFIG_HOME/nanomq/cli.toml, else ~/.config/nanomq/cli.toml)' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bridges; and __fish_seen_subcommand_from show" -l watch -d 'Redraw every SECONDS (default 2) until Ctrl-C, with message and connection rates: for `status`, `metrics`, `topic-tree`, `clients list` and `subscriptions list`' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bridges; and __fish_seen_subcommand_from show" -l no-color -d 'No colours in the output (also when NO_COLOR is set)'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bridges; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bridges; and __fish_seen_subcommand_from create" -s f -l file -d 'The settings, as a `[bridges.mqtt.NAME]` table\'s keys: a JSON or TOML file, `-` for standard input' -r -F
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bridges; and __fish_seen_subcommand_from create" -l url -d 'Base URL of the broker\'s HTTP API [default: http://127.0.0.1:8081]' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bridges; and __fish_seen_subcommand_from create" -l username -d 'HTTP API username (basic auth) [default: admin]. After `pub`, `sub`, `bench` and `acl check`, `--username` (and `--password`) are the MQTT client\'s: give the API\'s before the command' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bridges; and __fish_seen_subcommand_from create" -l password -d 'HTTP API password (basic auth) [default: public]' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bridges; and __fish_seen_subcommand_from create" -l token -d 'Bearer token (JWT, see `token create`), used instead of the username and password' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bridges; and __fish_seen_subcommand_from create" -s o -l output -d 'Output format: tables for people, or the API\'s `data` as JSON for scripts [default: table]' -r -f -a "table\t'Tables and short messages'
json\t'JSON: the API\'s `data`, unchanged'
toml\t'TOML, as in `etc/nanomq.conf` (`config get` only)'"
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bridges; and __fish_seen_subcommand_from create" -l timeout -d 'How long to wait for the broker, e.g. 500ms, 10s, 1m [default: 10s]' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bridges; and __fish_seen_subcommand_from create" -l cacert -d 'CA certificates (PEM) to trust for an https:// URL, besides the system\'s' -r -F
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bridges; and __fish_seen_subcommand_from create" -l profile -d 'Use this section of the profile file ($NANOMQ_CLI_CONFIG, else $XDG_CONFIG_HOME/nanomq/cli.toml, else ~/.config/nanomq/cli.toml)' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bridges; and __fish_seen_subcommand_from create" -l watch -d 'Redraw every SECONDS (default 2) until Ctrl-C, with message and connection rates: for `status`, `metrics`, `topic-tree`, `clients list` and `subscriptions list`' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bridges; and __fish_seen_subcommand_from create" -l no-color -d 'No colours in the output (also when NO_COLOR is set)'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bridges; and __fish_seen_subcommand_from create" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bridges; and __fish_seen_subcommand_from update" -s f -l file -d 'The settings, as a `[bridges.mqtt.NAME]` table\'s keys: a JSON or TOML file, `-` for standard input' -r -F
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bridges; and __fish_seen_subcommand_from update" -l url -d 'Base URL of the broker\'s HTTP API [default: http://127.0.0.1:8081]' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bridges; and __fish_seen_subcommand_from update" -l username -d 'HTTP API username (basic auth) [default: admin]. After `pub`, `sub`, `bench` and `acl check`, `--username` (and `--password`) are the MQTT client\'s: give the API\'s before the command' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bridges; and __fish_seen_subcommand_from update" -l password -d 'HTTP API password (basic auth) [default: public]' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bridges; and __fish_seen_subcommand_from update" -l token -d 'Bearer token (JWT, see `token create`), used instead of the username and password' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bridges; and __fish_seen_subcommand_from update" -s o -l output -d 'Output format: tables for people, or the API\'s `data` as JSON for scripts [default: table]' -r -f -a "table\t'Tables and short messages'
json\t'JSON: the API\'s `data`, unchanged'
toml\t'TOML, as in `etc/nanomq.conf` (`config get` only)'"
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bridges; and __fish_seen_subcommand_from update" -l timeout -d 'How long to wait for the broker, e.g. 500ms, 10s, 1m [default: 10s]' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bridges; and __fish_seen_subcommand_from update" -l cacert -d 'CA certificates (PEM) to trust for an https:// URL, besides the system\'s' -r -F
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bridges; and __fish_seen_subcommand_from update" -l profile -d 'Use this section of the profile file ($NANOMQ_CLI_CONFIG, else $XDG_CONFIG_HOME/nanomq/cli.toml, else ~/.config/nanomq/cli.toml)' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bridges; and __fish_seen_subcommand_from update" -l watch -d 'Redraw every SECONDS (default 2) until Ctrl-C, with message and connection rates: for `status`, `metrics`, `topic-tree`, `clients list` and `subscriptions list`' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bridges; and __fish_seen_subcommand_from update" -l no-color -d 'No colours in the output (also when NO_COLOR is set)'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bridges; and __fish_seen_subcommand_from update" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bridges; and __fish_seen_subcommand_from delete" -l url -d 'Base URL of the broker\'s HTTP API [default: http://127.0.0.1:8081]' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bridges; and __fish_seen_subcommand_from delete" -l username -d 'HTTP API username (basic auth) [default: admin]. After `pub`, `sub`, `bench` and `acl check`, `--username` (and `--password`) are the MQTT client\'s: give the API\'s before the command' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bridges; and __fish_seen_subcommand_from delete" -l password -d 'HTTP API password (basic auth) [default: public]' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bridges; and __fish_seen_subcommand_from delete" -l token -d 'Bearer token (JWT, see `token create`), used instead of the username and password' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bridges; and __fish_seen_subcommand_from delete" -s o -l output -d 'Output format: tables for people, or the API\'s `data` as JSON for scripts [default: table]' -r -f -a "table\t'Tables and short messages'
json\t'JSON: the API\'s `data`, unchanged'
toml\t'TOML, as in `etc/nanomq.conf` (`config get` only)'"
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bridges; and __fish_seen_subcommand_from delete" -l timeout -d 'How long to wait for the broker, e.g. 500ms, 10s, 1m [default: 10s]' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bridges; and __fish_seen_subcommand_from delete" -l cacert -d 'CA certificates (PEM) to trust for an https:// URL, besides the system\'s' -r -F
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bridges; and __fish_seen_subcommand_from delete" -l profile -d 'Use this section of the profile file ($NANOMQ_CLI_CONFIG, else $XDG_CONFIG_HOME/nanomq/cli.toml, else ~/.config/nanomq/cli.toml)' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bridges; and __fish_seen_subcommand_from delete" -l watch -d 'Redraw every SECONDS (default 2) until Ctrl-C, with message and connection rates: for `status`, `metrics`, `topic-tree`, `clients list` and `subscriptions list`' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bridges; and __fish_seen_subcommand_from delete" -l no-color -d 'No colours in the output (also when NO_COLOR is set)'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bridges; and __fish_seen_subcommand_from delete" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bridges; and __fish_seen_subcommand_from start" -l url -d 'Base URL of the broker\'s HTTP API [default: http://127.0.0.1:8081]' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bridges; and __fish_seen_subcommand_from start" -l username -d 'HTTP API username (basic auth) [default: admin]. After `pub`, `sub`, `bench` and `acl check`, `--username` (and `--password`) are the MQTT client\'s: give the API\'s before the command' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bridges; and __fish_seen_subcommand_from start" -l password -d 'HTTP API password (basic auth) [default: public]' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bridges; and __fish_seen_subcommand_from start" -l token -d 'Bearer token (JWT, see `token create`), used instead of the username and password' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bridges; and __fish_seen_subcommand_from start" -s o -l output -d 'Output format: tables for people, or the API\'s `data` as JSON for scripts [default: table]' -r -f -a "table\t'Tables and short messages'
json\t'JSON: the API\'s `data`, unchanged'
toml\t'TOML, as in `etc/nanomq.conf` (`config get` only)'"
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bridges; and __fish_seen_subcommand_from start" -l timeout -d 'How long to wait for the broker, e.g. 500ms, 10s, 1m [default: 10s]' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bridges; and __fish_seen_subcommand_from start" -l cacert -d 'CA certificates (PEM) to trust for an https:// URL, besides the system\'s' -r -F
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bridges; and __fish_seen_subcommand_from start" -l profile -d 'Use this section of the profile file ($NANOMQ_CLI_CONFIG, else $XDG_CONFIG_HOME/nanomq/cli.toml, else ~/.config/nanomq/cli.toml)' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bridges; and __fish_seen_subcommand_from start" -l watch -d 'Redraw every SECONDS (default 2) until Ctrl-C, with message and connection rates: for `status`, `metrics`, `topic-tree`, `clients list` and `subscriptions list`' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bridges; and __fish_seen_subcommand_from start" -l no-color -d 'No colours in the output (also when NO_COLOR is set)'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bridges; and __fish_seen_subcommand_from start" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bridges; and __fish_seen_subcommand_from stop" -l url -d 'Base URL of the broker\'s HTTP API [default: http://127.0.0.1:8081]' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bridges; and __fish_seen_subcommand_from stop" -l username -d 'HTTP API username (basic auth) [default: admin]. After `pub`, `sub`, `bench` and `acl check`, `--username` (and `--password`) are the MQTT client\'s: give the API\'s before the command' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bridges; and __fish_seen_subcommand_from stop" -l password -d 'HTTP API password (basic auth) [default: public]' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bridges; and __fish_seen_subcommand_from stop" -l token -d 'Bearer token (JWT, see `token create`), used instead of the username and password' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bridges; and __fish_seen_subcommand_from stop" -s o -l output -d 'Output format: tables for people, or the API\'s `data` as JSON for scripts [default: table]' -r -f -a "table\t'Tables and short messages'
json\t'JSON: the API\'s `data`, unchanged'
toml\t'TOML, as in `etc/nanomq.conf` (`config get` only)'"
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bridges; and __fish_seen_subcommand_from stop" -l timeout -d 'How long to wait for the broker, e.g. 500ms, 10s, 1m [default: 10s]' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bridges; and __fish_seen_subcommand_from stop" -l cacert -d 'CA certificates (PEM) to trust for an https:// URL, besides the system\'s' -r -F
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bridges; and __fish_seen_subcommand_from stop" -l profile -d 'Use this section of the profile file ($NANOMQ_CLI_CONFIG, else $XDG_CONFIG_HOME/nanomq/cli.toml, else ~/.config/nanomq/cli.toml)' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bridges; and __fish_seen_subcommand_from stop" -l watch -d 'Redraw every SECONDS (default 2) until Ctrl-C, with message and connection rates: for `status`, `metrics`, `topic-tree`, `clients list` and `subscriptions list`' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bridges; and __fish_seen_subcommand_from stop" -l no-color -d 'No colours in the output (also when NO_COLOR is set)'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bridges; and __fish_seen_subcommand_from stop" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bridges; and __fish_seen_subcommand_from sub" -s q -l qos -d 'The QoS asked for' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bridges; and __fish_seen_subcommand_from sub" -l local-topic -d 'The topic published here: empty keeps the upstream topic (`local_topic`)' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bridges; and __fish_seen_subcommand_from sub" -l prefix -d 'Put before the local topic' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bridges; and __fish_seen_subcommand_from sub" -l suffix -d 'Put after the local topic' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bridges; and __fish_seen_subcommand_from sub" -l url -d 'Base URL of the broker\'s HTTP API [default: http://127.0.0.1:8081]' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bridges; and __fish_seen_subcommand_from sub" -l username -d 'HTTP API username (basic auth) [default: admin]. After `pub`, `sub`, `bench` and `acl check`, `--username` (and `--password`) are the MQTT client\'s: give the API\'s before the command' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bridges; and __fish_seen_subcommand_from sub" -l password -d 'HTTP API password (basic auth) [default: public]' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bridges; and __fish_seen_subcommand_from sub" -l token -d 'Bearer token (JWT, see `token create`), used instead of the username and password' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bridges; and __fish_seen_subcommand_from sub" -s o -l output -d 'Output format: tables for people, or the API\'s `data` as JSON for scripts [default: table]' -r -f -a "table\t'Tables and short messages'
json\t'JSON: the API\'s `data`, unchanged'
toml\t'TOML, as in `etc/nanomq.conf` (`config get` only)'"
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bridges; and __fish_seen_subcommand_from sub" -l timeout -d 'How long to wait for the broker, e.g. 500ms, 10s, 1m [default: 10s]' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bridges; and __fish_seen_subcommand_from sub" -l cacert -d 'CA certificates (PEM) to trust for an https:// URL, besides the system\'s' -r -F
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bridges; and __fish_seen_subcommand_from sub" -l profile -d 'Use this section of the profile file ($NANOMQ_CLI_CONFIG, else $XDG_CONFIG_HOME/nanomq/cli.toml, else ~/.config/nanomq/cli.toml)' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bridges; and __fish_seen_subcommand_from sub" -l watch -d 'Redraw every SECONDS (default 2) until Ctrl-C, with message and connection rates: for `status`, `metrics`, `topic-tree`, `clients list` and `subscriptions list`' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bridges; and __fish_seen_subcommand_from sub" -l no-color -d 'No colours in the output (also when NO_COLOR is set)'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bridges; and __fish_seen_subcommand_from sub" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bridges; and __fish_seen_subcommand_from unsub" -l url -d 'Base URL of the broker\'s HTTP API [default: http://127.0.0.1:8081]' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bridges; and __fish_seen_subcommand_from unsub" -l username -d 'HTTP API username (basic auth) [default: admin]. After `pub`, `sub`, `bench` and `acl check`, `--username` (and `--password`) are the MQTT client\'s: give the API\'s before the command' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bridges; and __fish_seen_subcommand_from unsub" -l password -d 'HTTP API password (basic auth) [default: public]' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bridges; and __fish_seen_subcommand_from unsub" -l token -d 'Bearer token (JWT, see `token create`), used instead of the username and password' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bridges; and __fish_seen_subcommand_from unsub" -s o -l output -d 'Output format: tables for people, or the API\'s `data` as JSON for scripts [default: table]' -r -f -a "table\t'Tables and short messages'
json\t'JSON: the API\'s `data`, unchanged'
toml\t'TOML, as in `etc/nanomq.conf` (`config get` only)'"
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bridges; and __fish_seen_subcommand_from unsub" -l timeout -d 'How long to wait for the broker, e.g. 500ms, 10s, 1m [default: 10s]' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bridges; and __fish_seen_subcommand_from unsub" -l cacert -d 'CA certificates (PEM) to trust for an https:// URL, besides the system\'s' -r -F
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bridges; and __fish_seen_subcommand_from unsub" -l profile -d 'Use this section of the profile file ($NANOMQ_CLI_CONFIG, else $XDG_CONFIG_HOME/nanomq/cli.toml, else ~/.config/nanomq/cli.toml)' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bridges; and __fish_seen_subcommand_from unsub" -l watch -d 'Redraw every SECONDS (default 2) until Ctrl-C, with message and connection rates: for `status`, `metrics`, `topic-tree`, `clients list` and `subscriptions list`' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bridges; and __fish_seen_subcommand_from unsub" -l no-color -d 'No colours in the output (also when NO_COLOR is set)'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bridges; and __fish_seen_subcommand_from unsub" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bridges; and __fish_seen_subcommand_from help" -f -a "list" -d 'Every bridge: address, state, counters'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bridges; and __fish_seen_subcommand_from help" -f -a "show" -d 'One bridge in full: state since when, last error, forwards, subscriptions, counters'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bridges; and __fish_seen_subcommand_from help" -f -a "create" -d 'Create a bridge (`[bridges.mqtt.NAME]`, written to the broker\'s file) and start it: its settings from a file (JSON or TOML, `-` for standard input) and/or as KEY=VALUE (`server=mqtt-tcp://emqx:1883`, `\'forwards=[{local_topic="site/#"}]\'`)'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bridges; and __fish_seen_subcommand_from help" -f -a "update" -d 'Change a bridge\'s settings (those not given keep their values); it restarts'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bridges; and __fish_seen_subcommand_from help" -f -a "delete" -d 'Remove a bridge (from the broker\'s file too)'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bridges; and __fish_seen_subcommand_from help" -f -a "start" -d 'Start a stopped bridge (`enable = true`)'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bridges; and __fish_seen_subcommand_from help" -f -a "stop" -d 'Stop a bridge (`enable = false`); what it holds waits for its next start'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bridges; and __fish_seen_subcommand_from help" -f -a "sub" -d 'Subscribe a bridge upstream, on its running connection: messages of FILTER upstream are published here'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bridges; and __fish_seen_subcommand_from help" -f -a "unsub" -d 'Unsubscribe a bridge upstream, on its running connection'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand bridges; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand brokers" -l url -d 'Base URL of the broker\'s HTTP API [default: http://127.0.0.1:8081]' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand brokers" -l username -d 'HTTP API username (basic auth) [default: admin]. After `pub`, `sub`, `bench` and `acl check`, `--username` (and `--password`) are the MQTT client\'s: give the API\'s before the command' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand brokers" -l password -d 'HTTP API password (basic auth) [default: public]' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand brokers" -l token -d 'Bearer token (JWT, see `token create`), used instead of the username and password' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand brokers" -s o -l output -d 'Output format: tables for people, or the API\'s `data` as JSON for scripts [default: table]' -r -f -a "table\t'Tables and short messages'
json\t'JSON: the API\'s `data`, unchanged'
toml\t'TOML, as in `etc/nanomq.conf` (`config get` only)'"
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand brokers" -l timeout -d 'How long to wait for the broker, e.g. 500ms, 10s, 1m [default: 10s]' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand brokers" -l cacert -d 'CA certificates (PEM) to trust for an https:// URL, besides the system\'s' -r -F
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand brokers" -l profile -d 'Use this section of the profile file ($NANOMQ_CLI_CONFIG, else $XDG_CONFIG_HOME/nanomq/cli.toml, else ~/.config/nanomq/cli.toml)' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand brokers" -l watch -d 'Redraw every SECONDS (default 2) until Ctrl-C, with message and connection rates: for `status`, `metrics`, `topic-tree`, `clients list` and `subscriptions list`' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand brokers" -l no-color -d 'No colours in the output (also when NO_COLOR is set)'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand brokers" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand nodes" -l url -d 'Base URL of the broker\'s HTTP API [default: http://127.0.0.1:8081]' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand nodes" -l username -d 'HTTP API username (basic auth) [default: admin]. After `pub`, `sub`, `bench` and `acl check`, `--username` (and `--password`) are the MQTT client\'s: give the API\'s before the command' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand nodes" -l password -d 'HTTP API password (basic auth) [default: public]' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand nodes" -l token -d 'Bearer token (JWT, see `token create`), used instead of the username and password' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand nodes" -s o -l output -d 'Output format: tables for people, or the API\'s `data` as JSON for scripts [default: table]' -r -f -a "table\t'Tables and short messages'
json\t'JSON: the API\'s `data`, unchanged'
toml\t'TOML, as in `etc/nanomq.conf` (`config get` only)'"
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand nodes" -l timeout -d 'How long to wait for the broker, e.g. 500ms, 10s, 1m [default: 10s]' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand nodes" -l cacert -d 'CA certificates (PEM) to trust for an https:// URL, besides the system\'s' -r -F
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand nodes" -l profile -d 'Use this section of the profile file ($NANOMQ_CLI_CONFIG, else $XDG_CONFIG_HOME/nanomq/cli.toml, else ~/.config/nanomq/cli.toml)' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand nodes" -l watch -d 'Redraw every SECONDS (default 2) until Ctrl-C, with message and connection rates: for `status`, `metrics`, `topic-tree`, `clients list` and `subscriptions list`' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand nodes" -l no-color -d 'No colours in the output (also when NO_COLOR is set)'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand nodes" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand endpoints" -l url -d 'Base URL of the broker\'s HTTP API [default: http://127.0.0.1:8081]' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand endpoints" -l username -d 'HTTP API username (basic auth) [default: admin]. After `pub`, `sub`, `bench` and `acl check`, `--username` (and `--password`) are the MQTT client\'s: give the API\'s before the command' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand endpoints" -l password -d 'HTTP API password (basic auth) [default: public]' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand endpoints" -l token -d 'Bearer token (JWT, see `token create`), used instead of the username and password' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand endpoints" -s o -l output -d 'Output format: tables for people, or the API\'s `data` as JSON for scripts [default: table]' -r -f -a "table\t'Tables and short messages'
json\t'JSON: the API\'s `data`, unchanged'
toml\t'TOML, as in `etc/nanomq.conf` (`config get` only)'"
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand endpoints" -l timeout -d 'How long to wait for the broker, e.g. 500ms, 10s, 1m [default: 10s]' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand endpoints" -l cacert -d 'CA certificates (PEM) to trust for an https:// URL, besides the system\'s' -r -F
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand endpoints" -l profile -d 'Use this section of the profile file ($NANOMQ_CLI_CONFIG, else $XDG_CONFIG_HOME/nanomq/cli.toml, else ~/.config/nanomq/cli.toml)' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand endpoints" -l watch -d 'Redraw every SECONDS (default 2) until Ctrl-C, with message and connection rates: for `status`, `metrics`, `topic-tree`, `clients list` and `subscriptions list`' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand endpoints" -l no-color -d 'No colours in the output (also when NO_COLOR is set)'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand endpoints" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand clients; and not __fish_seen_subcommand_from list ls show kick help" -l url -d 'Base URL of the broker\'s HTTP API [default: http://127.0.0.1:8081]' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand clients; and not __fish_seen_subcommand_from list ls show kick help" -l username -d 'HTTP API username (basic auth) [default: admin]. After `pub`, `sub`, `bench` and `acl check`, `--username` (and `--password`) are the MQTT client\'s: give the API\'s before the command' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand clients; and not __fish_seen_subcommand_from list ls show kick help" -l password -d 'HTTP API password (basic auth) [default: public]' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand clients; and not __fish_seen_subcommand_from list ls show kick help" -l token -d 'Bearer token (JWT, see `token create`), used instead of the username and password' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand clients; and not __fish_seen_subcommand_from list ls show kick help" -s o -l output -d 'Output format: tables for people, or the API\'s `data` as JSON for scripts [default: table]' -r -f -a "table\t'Tables and short messages'
json\t'JSON: the API\'s `data`, unchanged'
toml\t'TOML, as in `etc/nanomq.conf` (`config get` only)'"
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand clients; and not __fish_seen_subcommand_from list ls show kick help" -l timeout -d 'How long to wait for the broker, e.g. 500ms, 10s, 1m [default: 10s]' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand clients; and not __fish_seen_subcommand_from list ls show kick help" -l cacert -d 'CA certificates (PEM) to trust for an https:// URL, besides the system\'s' -r -F
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand clients; and not __fish_seen_subcommand_from list ls show kick help" -l profile -d 'Use this section of the profile file ($NANOMQ_CLI_CONFIG, else $XDG_CONFIG_HOME/nanomq/cli.toml, else ~/.config/nanomq/cli.toml)' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand clients; and not __fish_seen_subcommand_from list ls show kick help" -l watch -d 'Redraw every SECONDS (default 2) until Ctrl-C, with message and connection rates: for `status`, `metrics`, `topic-tree`, `clients list` and `subscriptions list`' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand clients; and not __fish_seen_subcommand_from list ls show kick help" -l no-color -d 'No colours in the output (also when NO_COLOR is set)'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand clients; and not __fish_seen_subcommand_from list ls show kick help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand clients; and not __fish_seen_subcommand_from list ls show kick help" -f -a "list" -d 'List clients, filtered and paged as the API allows'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand clients; and not __fish_seen_subcommand_from list ls show kick help" -f -a "ls" -d 'List clients, filtered and paged as the API allows'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand clients; and not __fish_seen_subcommand_from list ls show kick help" -f -a "show" -d 'Everything the broker knows about one client'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand clients; and not __fish_seen_subcommand_from list ls show kick help" -f -a "kick" -d 'Disconnect a client and discard its session'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand clients; and not __fish_seen_subcommand_from list ls show kick help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand clients; and __fish_seen_subcommand_from list" -l clientid -d 'Only this client identifier' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand clients; and __fish_seen_subcommand_from list" -l user -d 'Only clients with this MQTT username (`--username` is the HTTP API\'s own login)' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand clients; and __fish_seen_subcommand_from list" -l conn-state -d 'Only clients in this connection state' -r -f -a "connected\t'The network connection is up'
idle\t'Idle (the broker reports no client idle, so this matches none)'
disconnected\t'A persistent session whose client is away'"
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand clients; and __fish_seen_subcommand_from list" -l clean-start -d 'Only clients whose clean start flag is this' -r -f -a "true\t''
false\t''"
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand clients; and __fish_seen_subcommand_from list" -l proto-name -d 'Only clients of this protocol' -r -f -a "MQTT\t'MQTT 3.1.1 and 5.0'
MQIsdp\t'MQTT 3.1'
CoAP\t'CoAP'
LwM2M\t'LwM2M'
MQTT-SN\t'MQTT-SN'"
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand clients; and __fish_seen_subcommand_from list" -l proto-ver -d 'Only clients of this protocol level (3 = 3.1, 4 = 3.1.1, 5 = 5.0)' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand clients; and __fish_seen_subcommand_from list" -l page -d 'Page number, from 1 (asks for a paged list, ordered by client id)' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand clients; and __fish_seen_subcommand_from list" -l limit -d 'Page size' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand clients; and __fish_seen_subcommand_from list" -l url -d 'Base URL of the broker\'s HTTP API [default: http://127.0.0.1:8081]' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand clients; and __fish_seen_subcommand_from list" -l username -d 'HTTP API username (basic auth) [default: admin]. After `pub`, `sub`, `bench` and `acl check`, `--username` (and `--password`) are the MQTT client\'s: give the API\'s before the command' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand clients; and __fish_seen_subcommand_from list" -l password -d 'HTTP API password (basic auth) [default: public]' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand clients; and __fish_seen_subcommand_from list" -l token -d 'Bearer token (JWT, see `token create`), used instead of the username and password' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand clients; and __fish_seen_subcommand_from list" -s o -l output -d 'Output format: tables for people, or the API\'s `data` as JSON for scripts [default: table]' -r -f -a "table\t'Tables and short messages'
json\t'JSON: the API\'s `data`, unchanged'
toml\t'TOML, as in `etc/nanomq.conf` (`config get` only)'"
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand clients; and __fish_seen_subcommand_from list" -l timeout -d 'How long to wait for the broker, e.g. 500ms, 10s, 1m [default: 10s]' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand clients; and __fish_seen_subcommand_from list" -l cacert -d 'CA certificates (PEM) to trust for an https:// URL, besides the system\'s' -r -F
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand clients; and __fish_seen_subcommand_from list" -l profile -d 'Use this section of the profile file ($NANOMQ_CLI_CONFIG, else $XDG_CONFIG_HOME/nanomq/cli.toml, else ~/.config/nanomq/cli.toml)' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand clients; and __fish_seen_subcommand_from list" -l watch -d 'Redraw every SECONDS (default 2) until Ctrl-C, with message and connection rates: for `status`, `metrics`, `topic-tree`, `clients list` and `subscriptions list`' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand clients; and __fish_seen_subcommand_from list" -l no-color -d 'No colours in the output (also when NO_COLOR is set)'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand clients; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand clients; and __fish_seen_subcommand_from ls" -l clientid -d 'Only this client identifier' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand clients; and __fish_seen_subcommand_from ls" -l user -d 'Only clients with this MQTT username (`--username` is the HTTP API\'s own login)' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand clients; and __fish_seen_subcommand_from ls" -l conn-state -d 'Only clients in this connection state' -r -f -a "connected\t'The network connection is up'
idle\t'Idle (the broker reports no client idle, so this matches none)'
disconnected\t'A persistent session whose client is away'"
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand clients; and __fish_seen_subcommand_from ls" -l clean-start -d 'Only clients whose clean start flag is this' -r -f -a "true\t''
false\t''"
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand clients; and __fish_seen_subcommand_from ls" -l proto-name -d 'Only clients of this protocol' -r -f -a "MQTT\t'MQTT 3.1.1 and 5.0'
MQIsdp\t'MQTT 3.1'
CoAP\t'CoAP'
LwM2M\t'LwM2M'
MQTT-SN\t'MQTT-SN'"
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand clients; and __fish_seen_subcommand_from ls" -l proto-ver -d 'Only clients of this protocol level (3 = 3.1, 4 = 3.1.1, 5 = 5.0)' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand clients; and __fish_seen_subcommand_from ls" -l page -d 'Page number, from 1 (asks for a paged list, ordered by client id)' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand clients; and __fish_seen_subcommand_from ls" -l limit -d 'Page size' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand clients; and __fish_seen_subcommand_from ls" -l url -d 'Base URL of the broker\'s HTTP API [default: http://127.0.0.1:8081]' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand clients; and __fish_seen_subcommand_from ls" -l username -d 'HTTP API username (basic auth) [default: admin]. After `pub`, `sub`, `bench` and `acl check`, `--username` (and `--password`) are the MQTT client\'s: give the API\'s before the command' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand clients; and __fish_seen_subcommand_from ls" -l password -d 'HTTP API password (basic auth) [default: public]' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand clients; and __fish_seen_subcommand_from ls" -l token -d 'Bearer token (JWT, see `token create`), used instead of the username and password' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand clients; and __fish_seen_subcommand_from ls" -s o -l output -d 'Output format: tables for people, or the API\'s `data` as JSON for scripts [default: table]' -r -f -a "table\t'Tables and short messages'
json\t'JSON: the API\'s `data`, unchanged'
toml\t'TOML, as in `etc/nanomq.conf` (`config get` only)'"
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand clients; and __fish_seen_subcommand_from ls" -l timeout -d 'How long to wait for the broker, e.g. 500ms, 10s, 1m [default: 10s]' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand clients; and __fish_seen_subcommand_from ls" -l cacert -d 'CA certificates (PEM) to trust for an https:// URL, besides the system\'s' -r -F
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand clients; and __fish_seen_subcommand_from ls" -l profile -d 'Use this section of the profile file ($NANOMQ_CLI_CONFIG, else $XDG_CONFIG_HOME/nanomq/cli.toml, else ~/.config/nanomq/cli.toml)' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand clients; and __fish_seen_subcommand_from ls" -l watch -d 'Redraw every SECONDS (default 2) until Ctrl-C, with message and connection rates: for `status`, `metrics`, `topic-tree`, `clients list` and `subscriptions list`' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand clients; and __fish_seen_subcommand_from ls" -l no-color -d 'No colours in the output (also when NO_COLOR is set)'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand clients; and __fish_seen_subcommand_from ls" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand clients; and __fish_seen_subcommand_from show" -l url -d 'Base URL of the broker\'s HTTP API [default: http://127.0.0.1:8081]' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand clients; and __fish_seen_subcommand_from show" -l username -d 'HTTP API username (basic auth) [default: admin]. After `pub`, `sub`, `bench` and `acl check`, `--username` (and `--password`) are the MQTT client\'s: give the API\'s before the command' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand clients; and __fish_seen_subcommand_from show" -l password -d 'HTTP API password (basic auth) [default: public]' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand clients; and __fish_seen_subcommand_from show" -l token -d 'Bearer token (JWT, see `token create`), used instead of the username and password' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand clients; and __fish_seen_subcommand_from show" -s o -l output -d 'Output format: tables for people, or the API\'s `data` as JSON for scripts [default: table]' -r -f -a "table\t'Tables and short messages'
json\t'JSON: the API\'s `data`, unchanged'
toml\t'TOML, as in `etc/nanomq.conf` (`config get` only)'"
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand clients; and __fish_seen_subcommand_from show" -l timeout -d 'How long to wait for the broker, e.g. 500ms, 10s, 1m [default: 10s]' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand clients; and __fish_seen_subcommand_from show" -l cacert -d 'CA certificates (PEM) to trust for an https:// URL, besides the system\'s' -r -F
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand clients; and __fish_seen_subcommand_from show" -l profile -d 'Use this section of the profile file ($NANOMQ_CLI_CONFIG, else $XDG_CONFIG_HOME/nanomq/cli.toml, else ~/.config/nanomq/cli.toml)' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand clients; and __fish_seen_subcommand_from show" -l watch -d 'Redraw every SECONDS (default 2) until Ctrl-C, with message and connection rates: for `status`, `metrics`, `topic-tree`, `clients list` and `subscriptions list`' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand clients; and __fish_seen_subcommand_from show" -l no-color -d 'No colours in the output (also when NO_COLOR is set)'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand clients; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand clients; and __fish_seen_subcommand_from kick" -l url -d 'Base URL of the broker\'s HTTP API [default: http://127.0.0.1:8081]' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand clients; and __fish_seen_subcommand_from kick" -l username -d 'HTTP API username (basic auth) [default: admin]. After `pub`, `sub`, `bench` and `acl check`, `--username` (and `--password`) are the MQTT client\'s: give the API\'s before the command' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand clients; and __fish_seen_subcommand_from kick" -l password -d 'HTTP API password (basic auth) [default: public]' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand clients; and __fish_seen_subcommand_from kick" -l token -d 'Bearer token (JWT, see `token create`), used instead of the username and password' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand clients; and __fish_seen_subcommand_from kick" -s o -l output -d 'Output format: tables for people, or the API\'s `data` as JSON for scripts [default: table]' -r -f -a "table\t'Tables and short messages'
json\t'JSON: the API\'s `data`, unchanged'
toml\t'TOML, as in `etc/nanomq.conf` (`config get` only)'"
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand clients; and __fish_seen_subcommand_from kick" -l timeout -d 'How long to wait for the broker, e.g. 500ms, 10s, 1m [default: 10s]' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand clients; and __fish_seen_subcommand_from kick" -l cacert -d 'CA certificates (PEM) to trust for an https:// URL, besides the system\'s' -r -F
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand clients; and __fish_seen_subcommand_from kick" -l profile -d 'Use this section of the profile file ($NANOMQ_CLI_CONFIG, else $XDG_CONFIG_HOME/nanomq/cli.toml, else ~/.config/nanomq/cli.toml)' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand clients; and __fish_seen_subcommand_from kick" -l watch -d 'Redraw every SECONDS (default 2) until Ctrl-C, with message and connection rates: for `status`, `metrics`, `topic-tree`, `clients list` and `subscriptions list`' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand clients; and __fish_seen_subcommand_from kick" -l no-color -d 'No colours in the output (also when NO_COLOR is set)'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand clients; and __fish_seen_subcommand_from kick" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand clients; and __fish_seen_subcommand_from help" -f -a "list" -d 'List clients, filtered and paged as the API allows'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand clients; and __fish_seen_subcommand_from help" -f -a "show" -d 'Everything the broker knows about one client'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand clients; and __fish_seen_subcommand_from help" -f -a "kick" -d 'Disconnect a client and discard its session'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand clients; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand subscriptions; and not __fish_seen_subcommand_from list ls show help" -l url -d 'Base URL of the broker\'s HTTP API [default: http://127.0.0.1:8081]' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand subscriptions; and not __fish_seen_subcommand_from list ls show help" -l username -d 'HTTP API username (basic auth) [default: admin]. After `pub`, `sub`, `bench` and `acl check`, `--username` (and `--password`) are the MQTT client\'s: give the API\'s before the command' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand subscriptions; and not __fish_seen_subcommand_from list ls show help" -l password -d 'HTTP API password (basic auth) [default: public]' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand subscriptions; and not __fish_seen_subcommand_from list ls show help" -l token -d 'Bearer token (JWT, see `token create`), used instead of the username and password' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand subscriptions; and not __fish_seen_subcommand_from list ls show help" -s o -l output -d 'Output format: tables for people, or the API\'s `data` as JSON for scripts [default: table]' -r -f -a "table\t'Tables and short messages'
json\t'JSON: the API\'s `data`, unchanged'
toml\t'TOML, as in `etc/nanomq.conf` (`config get` only)'"
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand subscriptions; and not __fish_seen_subcommand_from list ls show help" -l timeout -d 'How long to wait for the broker, e.g. 500ms, 10s, 1m [default: 10s]' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand subscriptions; and not __fish_seen_subcommand_from list ls show help" -l cacert -d 'CA certificates (PEM) to trust for an https:// URL, besides the system\'s' -r -F
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand subscriptions; and not __fish_seen_subcommand_from list ls show help" -l profile -d 'Use this section of the profile file ($NANOMQ_CLI_CONFIG, else $XDG_CONFIG_HOME/nanomq/cli.toml, else ~/.config/nanomq/cli.toml)' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand subscriptions; and not __fish_seen_subcommand_from list ls show help" -l watch -d 'Redraw every SECONDS (default 2) until Ctrl-C, with message and connection rates: for `status`, `metrics`, `topic-tree`, `clients list` and `subscriptions list`' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand subscriptions; and not __fish_seen_subcommand_from list ls show help" -l no-color -d 'No colours in the output (also when NO_COLOR is set)'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand subscriptions; and not __fish_seen_subcommand_from list ls show help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand subscriptions; and not __fish_seen_subcommand_from list ls show help" -f -a "list" -d 'List subscriptions, filtered and paged as the API allows'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand subscriptions; and not __fish_seen_subcommand_from list ls show help" -f -a "ls" -d 'List subscriptions, filtered and paged as the API allows'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand subscriptions; and not __fish_seen_subcommand_from list ls show help" -f -a "show" -d 'One client\'s subscriptions'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand subscriptions; and not __fish_seen_subcommand_from list ls show help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand subscriptions; and __fish_seen_subcommand_from list" -l clientid -d 'Only this client\'s subscriptions' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand subscriptions; and __fish_seen_subcommand_from list" -l topic -d 'Only this topic filter (exact match, e.g. \'a/+\')' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand subscriptions; and __fish_seen_subcommand_from list" -l qos -d 'Only subscriptions granted this QoS' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand subscriptions; and __fish_seen_subcommand_from list" -l share -d 'Only shared subscriptions of this group' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand subscriptions; and __fish_seen_subcommand_from list" -l page -d 'Page number, from 1 (asks for a paged list)' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand subscriptions; and __fish_seen_subcommand_from list" -l limit -d 'Page size' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand subscriptions; and __fish_seen_subcommand_from list" -l url -d 'Base URL of the broker\'s HTTP API [default: http://127.0.0.1:8081]' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand subscriptions; and __fish_seen_subcommand_from list" -l username -d 'HTTP API username (basic auth) [default: admin]. After `pub`, `sub`, `bench` and `acl check`, `--username` (and `--password`) are the MQTT client\'s: give the API\'s before the command' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand subscriptions; and __fish_seen_subcommand_from list" -l password -d 'HTTP API password (basic auth) [default: public]' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand subscriptions; and __fish_seen_subcommand_from list" -l token -d 'Bearer token (JWT, see `token create`), used instead of the username and password' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand subscriptions; and __fish_seen_subcommand_from list" -s o -l output -d 'Output format: tables for people, or the API\'s `data` as JSON for scripts [default: table]' -r -f -a "table\t'Tables and short messages'
json\t'JSON: the API\'s `data`, unchanged'
toml\t'TOML, as in `etc/nanomq.conf` (`config get` only)'"
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand subscriptions; and __fish_seen_subcommand_from list" -l timeout -d 'How long to wait for the broker, e.g. 500ms, 10s, 1m [default: 10s]' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand subscriptions; and __fish_seen_subcommand_from list" -l cacert -d 'CA certificates (PEM) to trust for an https:// URL, besides the system\'s' -r -F
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand subscriptions; and __fish_seen_subcommand_from list" -l profile -d 'Use this section of the profile file ($NANOMQ_CLI_CONFIG, else $XDG_CONFIG_HOME/nanomq/cli.toml, else ~/.config/nanomq/cli.toml)' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand subscriptions; and __fish_seen_subcommand_from list" -l watch -d 'Redraw every SECONDS (default 2) until Ctrl-C, with message and connection rates: for `status`, `metrics`, `topic-tree`, `clients list` and `subscriptions list`' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand subscriptions; and __fish_seen_subcommand_from list" -l no-color -d 'No colours in the output (also when NO_COLOR is set)'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand subscriptions; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand subscriptions; and __fish_seen_subcommand_from ls" -l clientid -d 'Only this client\'s subscriptions' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand subscriptions; and __fish_seen_subcommand_from ls" -l topic -d 'Only this topic filter (exact match, e.g. \'a/+\')' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand subscriptions; and __fish_seen_subcommand_from ls" -l qos -d 'Only subscriptions granted this QoS' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand subscriptions; and __fish_seen_subcommand_from ls" -l share -d 'Only shared subscriptions of this group' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand subscriptions; and __fish_seen_subcommand_from ls" -l page -d 'Page number, from 1 (asks for a paged list)' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand subscriptions; and __fish_seen_subcommand_from ls" -l limit -d 'Page size' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand subscriptions; and __fish_seen_subcommand_from ls" -l url -d 'Base URL of the broker\'s HTTP API [default: http://127.0.0.1:8081]' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand subscriptions; and __fish_seen_subcommand_from ls" -l username -d 'HTTP API username (basic auth) [default: admin]. After `pub`, `sub`, `bench` and `acl check`, `--username` (and `--password`) are the MQTT client\'s: give the API\'s before the command' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand subscriptions; and __fish_seen_subcommand_from ls" -l password -d 'HTTP API password (basic auth) [default: public]' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand subscriptions; and __fish_seen_subcommand_from ls" -l token -d 'Bearer token (JWT, see `token create`), used instead of the username and password' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand subscriptions; and __fish_seen_subcommand_from ls" -s o -l output -d 'Output format: tables for people, or the API\'s `data` as JSON for scripts [default: table]' -r -f -a "table\t'Tables and short messages'
json\t'JSON: the API\'s `data`, unchanged'
toml\t'TOML, as in `etc/nanomq.conf` (`config get` only)'"
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand subscriptions; and __fish_seen_subcommand_from ls" -l timeout -d 'How long to wait for the broker, e.g. 500ms, 10s, 1m [default: 10s]' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand subscriptions; and __fish_seen_subcommand_from ls" -l cacert -d 'CA certificates (PEM) to trust for an https:// URL, besides the system\'s' -r -F
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand subscriptions; and __fish_seen_subcommand_from ls" -l profile -d 'Use this section of the profile file ($NANOMQ_CLI_CONFIG, else $XDG_CONFIG_HOME/nanomq/cli.toml, else ~/.config/nanomq/cli.toml)' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand subscriptions; and __fish_seen_subcommand_from ls" -l watch -d 'Redraw every SECONDS (default 2) until Ctrl-C, with message and connection rates: for `status`, `metrics`, `topic-tree`, `clients list` and `subscriptions list`' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand subscriptions; and __fish_seen_subcommand_from ls" -l no-color -d 'No colours in the output (also when NO_COLOR is set)'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand subscriptions; and __fish_seen_subcommand_from ls" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand subscriptions; and __fish_seen_subcommand_from show" -l url -d 'Base URL of the broker\'s HTTP API [default: http://127.0.0.1:8081]' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand subscriptions; and __fish_seen_subcommand_from show" -l username -d 'HTTP API username (basic auth) [default: admin]. After `pub`, `sub`, `bench` and `acl check`, `--username` (and `--password`) are the MQTT client\'s: give the API\'s before the command' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand subscriptions; and __fish_seen_subcommand_from show" -l password -d 'HTTP API password (basic auth) [default: public]' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand subscriptions; and __fish_seen_subcommand_from show" -l token -d 'Bearer token (JWT, see `token create`), used instead of the username and password' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand subscriptions; and __fish_seen_subcommand_from show" -s o -l output -d 'Output format: tables for people, or the API\'s `data` as JSON for scripts [default: table]' -r -f -a "table\t'Tables and short messages'
json\t'JSON: the API\'s `data`, unchanged'
toml\t'TOML, as in `etc/nanomq.conf` (`config get` only)'"
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand subscriptions; and __fish_seen_subcommand_from show" -l timeout -d 'How long to wait for the broker, e.g. 500ms, 10s, 1m [default: 10s]' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand subscriptions; and __fish_seen_subcommand_from show" -l cacert -d 'CA certificates (PEM) to trust for an https:// URL, besides the system\'s' -r -F
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand subscriptions; and __fish_seen_subcommand_from show" -l profile -d 'Use this section of the profile file ($NANOMQ_CLI_CONFIG, else $XDG_CONFIG_HOME/nanomq/cli.toml, else ~/.config/nanomq/cli.toml)' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand subscriptions; and __fish_seen_subcommand_from show" -l watch -d 'Redraw every SECONDS (default 2) until Ctrl-C, with message and connection rates: for `status`, `metrics`, `topic-tree`, `clients list` and `subscriptions list`' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand subscriptions; and __fish_seen_subcommand_from show" -l no-color -d 'No colours in the output (also when NO_COLOR is set)'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand subscriptions; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand subscriptions; and __fish_seen_subcommand_from help" -f -a "list" -d 'List subscriptions, filtered and paged as the API allows'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand subscriptions; and __fish_seen_subcommand_from help" -f -a "show" -d 'One client\'s subscriptions'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand subscriptions; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand subs; and not __fish_seen_subcommand_from list ls show help" -l url -d 'Base URL of the broker\'s HTTP API [default: http://127.0.0.1:8081]' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand subs; and not __fish_seen_subcommand_from list ls show help" -l username -d 'HTTP API username (basic auth) [default: admin]. After `pub`, `sub`, `bench` and `acl check`, `--username` (and `--password`) are the MQTT client\'s: give the API\'s before the command' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand subs; and not __fish_seen_subcommand_from list ls show help" -l password -d 'HTTP API password (basic auth) [default: public]' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand subs; and not __fish_seen_subcommand_from list ls show help" -l token -d 'Bearer token (JWT, see `token create`), used instead of the username and password' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand subs; and not __fish_seen_subcommand_from list ls show help" -s o -l output -d 'Output format: tables for people, or the API\'s `data` as JSON for scripts [default: table]' -r -f -a "table\t'Tables and short messages'
json\t'JSON: the API\'s `data`, unchanged'
toml\t'TOML, as in `etc/nanomq.conf` (`config get` only)'"
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand subs; and not __fish_seen_subcommand_from list ls show help" -l timeout -d 'How long to wait for the broker, e.g. 500ms, 10s, 1m [default: 10s]' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand subs; and not __fish_seen_subcommand_from list ls show help" -l cacert -d 'CA certificates (PEM) to trust for an https:// URL, besides the system\'s' -r -F
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand subs; and not __fish_seen_subcommand_from list ls show help" -l profile -d 'Use this section of the profile file ($NANOMQ_CLI_CONFIG, else $XDG_CONFIG_HOME/nanomq/cli.toml, else ~/.config/nanomq/cli.toml)' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand subs; and not __fish_seen_subcommand_from list ls show help" -l watch -d 'Redraw every SECONDS (default 2) until Ctrl-C, with message and connection rates: for `status`, `metrics`, `topic-tree`, `clients list` and `subscriptions list`' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand subs; and not __fish_seen_subcommand_from list ls show help" -l no-color -d 'No colours in the output (also when NO_COLOR is set)'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand subs; and not __fish_seen_subcommand_from list ls show help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand subs; and not __fish_seen_subcommand_from list ls show help" -f -a "list" -d 'List subscriptions, filtered and paged as the API allows'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand subs; and not __fish_seen_subcommand_from list ls show help" -f -a "ls" -d 'List subscriptions, filtered and paged as the API allows'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand subs; and not __fish_seen_subcommand_from list ls show help" -f -a "show" -d 'One client\'s subscriptions'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand subs; and not __fish_seen_subcommand_from list ls show help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand subs; and __fish_seen_subcommand_from list" -l clientid -d 'Only this client\'s subscriptions' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand subs; and __fish_seen_subcommand_from list" -l topic -d 'Only this topic filter (exact match, e.g. \'a/+\')' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand subs; and __fish_seen_subcommand_from list" -l qos -d 'Only subscriptions granted this QoS' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand subs; and __fish_seen_subcommand_from list" -l share -d 'Only shared subscriptions of this group' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand subs; and __fish_seen_subcommand_from list" -l page -d 'Page number, from 1 (asks for a paged list)' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand subs; and __fish_seen_subcommand_from list" -l limit -d 'Page size' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand subs; and __fish_seen_subcommand_from list" -l url -d 'Base URL of the broker\'s HTTP API [default: http://127.0.0.1:8081]' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand subs; and __fish_seen_subcommand_from list" -l username -d 'HTTP API username (basic auth) [default: admin]. After `pub`, `sub`, `bench` and `acl check`, `--username` (and `--password`) are the MQTT client\'s: give the API\'s before the command' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand subs; and __fish_seen_subcommand_from list" -l password -d 'HTTP API password (basic auth) [default: public]' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand subs; and __fish_seen_subcommand_from list" -l token -d 'Bearer token (JWT, see `token create`), used instead of the username and password' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand subs; and __fish_seen_subcommand_from list" -s o -l output -d 'Output format: tables for people, or the API\'s `data` as JSON for scripts [default: table]' -r -f -a "table\t'Tables and short messages'
json\t'JSON: the API\'s `data`, unchanged'
toml\t'TOML, as in `etc/nanomq.conf` (`config get` only)'"
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand subs; and __fish_seen_subcommand_from list" -l timeout -d 'How long to wait for the broker, e.g. 500ms, 10s, 1m [default: 10s]' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand subs; and __fish_seen_subcommand_from list" -l cacert -d 'CA certificates (PEM) to trust for an https:// URL, besides the system\'s' -r -F
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand subs; and __fish_seen_subcommand_from list" -l profile -d 'Use this section of the profile file ($NANOMQ_CLI_CONFIG, else $XDG_CONFIG_HOME/nanomq/cli.toml, else ~/.config/nanomq/cli.toml)' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand subs; and __fish_seen_subcommand_from list" -l watch -d 'Redraw every SECONDS (default 2) until Ctrl-C, with message and connection rates: for `status`, `metrics`, `topic-tree`, `clients list` and `subscriptions list`' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand subs; and __fish_seen_subcommand_from list" -l no-color -d 'No colours in the output (also when NO_COLOR is set)'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand subs; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand subs; and __fish_seen_subcommand_from ls" -l clientid -d 'Only this client\'s subscriptions' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand subs; and __fish_seen_subcommand_from ls" -l topic -d 'Only this topic filter (exact match, e.g. \'a/+\')' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand subs; and __fish_seen_subcommand_from ls" -l qos -d 'Only subscriptions granted this QoS' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand subs; and __fish_seen_subcommand_from ls" -l share -d 'Only shared subscriptions of this group' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand subs; and __fish_seen_subcommand_from ls" -l page -d 'Page number, from 1 (asks for a paged list)' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand subs; and __fish_seen_subcommand_from ls" -l limit -d 'Page size' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand subs; and __fish_seen_subcommand_from ls" -l url -d 'Base URL of the broker\'s HTTP API [default: http://127.0.0.1:8081]' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand subs; and __fish_seen_subcommand_from ls" -l username -d 'HTTP API username (basic auth) [default: admin]. After `pub`, `sub`, `bench` and `acl check`, `--username` (and `--password`) are the MQTT client\'s: give the API\'s before the command' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand subs; and __fish_seen_subcommand_from ls" -l password -d 'HTTP API password (basic auth) [default: public]' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand subs; and __fish_seen_subcommand_from ls" -l token -d 'Bearer token (JWT, see `token create`), used instead of the username and password' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand subs; and __fish_seen_subcommand_from ls" -s o -l output -d 'Output format: tables for people, or the API\'s `data` as JSON for scripts [default: table]' -r -f -a "table\t'Tables and short messages'
json\t'JSON: the API\'s `data`, unchanged'
toml\t'TOML, as in `etc/nanomq.conf` (`config get` only)'"
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand subs; and __fish_seen_subcommand_from ls" -l timeout -d 'How long to wait for the broker, e.g. 500ms, 10s, 1m [default: 10s]' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand subs; and __fish_seen_subcommand_from ls" -l cacert -d 'CA certificates (PEM) to trust for an https:// URL, besides the system\'s' -r -F
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand subs; and __fish_seen_subcommand_from ls" -l profile -d 'Use this section of the profile file ($NANOMQ_CLI_CONFIG, else $XDG_CONFIG_HOME/nanomq/cli.toml, else ~/.config/nanomq/cli.toml)' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand subs; and __fish_seen_subcommand_from ls" -l watch -d 'Redraw every SECONDS (default 2) until Ctrl-C, with message and connection rates: for `status`, `metrics`, `topic-tree`, `clients list` and `subscriptions list`' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand subs; and __fish_seen_subcommand_from ls" -l no-color -d 'No colours in the output (also when NO_COLOR is set)'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand subs; and __fish_seen_subcommand_from ls" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand subs; and __fish_seen_subcommand_from show" -l url -d 'Base URL of the broker\'s HTTP API [default: http://127.0.0.1:8081]' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand subs; and __fish_seen_subcommand_from show" -l username -d 'HTTP API username (basic auth) [default: admin]. After `pub`, `sub`, `bench` and `acl check`, `--username` (and `--password`) are the MQTT client\'s: give the API\'s before the command' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand subs; and __fish_seen_subcommand_from show" -l password -d 'HTTP API password (basic auth) [default: public]' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand subs; and __fish_seen_subcommand_from show" -l token -d 'Bearer token (JWT, see `token create`), used instead of the username and password' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand subs; and __fish_seen_subcommand_from show" -s o -l output -d 'Output format: tables for people, or the API\'s `data` as JSON for scripts [default: table]' -r -f -a "table\t'Tables and short messages'
json\t'JSON: the API\'s `data`, unchanged'
toml\t'TOML, as in `etc/nanomq.conf` (`config get` only)'"
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand subs; and __fish_seen_subcommand_from show" -l timeout -d 'How long to wait for the broker, e.g. 500ms, 10s, 1m [default: 10s]' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand subs; and __fish_seen_subcommand_from show" -l cacert -d 'CA certificates (PEM) to trust for an https:// URL, besides the system\'s' -r -F
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand subs; and __fish_seen_subcommand_from show" -l profile -d 'Use this section of the profile file ($NANOMQ_CLI_CONFIG, else $XDG_CONFIG_HOME/nanomq/cli.toml, else ~/.config/nanomq/cli.toml)' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand subs; and __fish_seen_subcommand_from show" -l watch -d 'Redraw every SECONDS (default 2) until Ctrl-C, with message and connection rates: for `status`, `metrics`, `topic-tree`, `clients list` and `subscriptions list`' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand subs; and __fish_seen_subcommand_from show" -l no-color -d 'No colours in the output (also when NO_COLOR is set)'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand subs; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand subs; and __fish_seen_subcommand_from help" -f -a "list" -d 'List subscriptions, filtered and paged as the API allows'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand subs; and __fish_seen_subcommand_from help" -f -a "show" -d 'One client\'s subscriptions'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand subs; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand topic-tree" -l url -d 'Base URL of the broker\'s HTTP API [default: http://127.0.0.1:8081]' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand topic-tree" -l username -d 'HTTP API username (basic auth) [default: admin]. After `pub`, `sub`, `bench` and `acl check`, `--username` (and `--password`) are the MQTT client\'s: give the API\'s before the command' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand topic-tree" -l password -d 'HTTP API password (basic auth) [default: public]' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand topic-tree" -l token -d 'Bearer token (JWT, see `token create`), used instead of the username and password' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand topic-tree" -s o -l output -d 'Output format: tables for people, or the API\'s `data` as JSON for scripts [default: table]' -r -f -a "table\t'Tables and short messages'
json\t'JSON: the API\'s `data`, unchanged'
toml\t'TOML, as in `etc/nanomq.conf` (`config get` only)'"
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand topic-tree" -l timeout -d 'How long to wait for the broker, e.g. 500ms, 10s, 1m [default: 10s]' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand topic-tree" -l cacert -d 'CA certificates (PEM) to trust for an https:// URL, besides the system\'s' -r -F
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand topic-tree" -l profile -d 'Use this section of the profile file ($NANOMQ_CLI_CONFIG, else $XDG_CONFIG_HOME/nanomq/cli.toml, else ~/.config/nanomq/cli.toml)' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand topic-tree" -l watch -d 'Redraw every SECONDS (default 2) until Ctrl-C, with message and connection rates: for `status`, `metrics`, `topic-tree`, `clients list` and `subscriptions list`' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand topic-tree" -l no-color -d 'No colours in the output (also when NO_COLOR is set)'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand topic-tree" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand retained; and not __fish_seen_subcommand_from list ls show delete help" -l url -d 'Base URL of the broker\'s HTTP API [default: http://127.0.0.1:8081]' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand retained; and not __fish_seen_subcommand_from list ls show delete help" -l username -d 'HTTP API username (basic auth) [default: admin]. After `pub`, `sub`, `bench` and `acl check`, `--username` (and `--password`) are the MQTT client\'s: give the API\'s before the command' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand retained; and not __fish_seen_subcommand_from list ls show delete help" -l password -d 'HTTP API password (basic auth) [default: public]' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand retained; and not __fish_seen_subcommand_from list ls show delete help" -l token -d 'Bearer token (JWT, see `token create`), used instead of the username and password' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand retained; and not __fish_seen_subcommand_from list ls show delete help" -s o -l output -d 'Output format: tables for people, or the API\'s `data` as JSON for scripts [default: table]' -r -f -a "table\t'Tables and short messages'
json\t'JSON: the API\'s `data`, unchanged'
toml\t'TOML, as in `etc/nanomq.conf` (`config get` only)'"
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand retained; and not __fish_seen_subcommand_from list ls show delete help" -l timeout -d 'How long to wait for the broker, e.g. 500ms, 10s, 1m [default: 10s]' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand retained; and not __fish_seen_subcommand_from list ls show delete help" -l cacert -d 'CA certificates (PEM) to trust for an https:// URL, besides the system\'s' -r -F
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand retained; and not __fish_seen_subcommand_from list ls show delete help" -l profile -d 'Use this section of the profile file ($NANOMQ_CLI_CONFIG, else $XDG_CONFIG_HOME/nanomq/cli.toml, else ~/.config/nanomq/cli.toml)' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand retained; and not __fish_seen_subcommand_from list ls show delete help" -l watch -d 'Redraw every SECONDS (default 2) until Ctrl-C, with message and connection rates: for `status`, `metrics`, `topic-tree`, `clients list` and `subscriptions list`' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand retained; and not __fish_seen_subcommand_from list ls show delete help" -l no-color -d 'No colours in the output (also when NO_COLOR is set)'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand retained; and not __fish_seen_subcommand_from list ls show delete help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand retained; and not __fish_seen_subcommand_from list ls show delete help" -f -a "list" -d 'List retained messages (topic, size, QoS, payload preview)'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand retained; and not __fish_seen_subcommand_from list ls show delete help" -f -a "ls" -d 'List retained messages (topic, size, QoS, payload preview)'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand retained; and not __fish_seen_subcommand_from list ls show delete help" -f -a "show" -d 'One retained message in full, with its properties'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand retained; and not __fish_seen_subcommand_from list ls show delete help" -f -a "delete" -d 'Remove the message retained on a topic (nothing is published; to tell subscribers, publish an empty retained message instead)'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand retained; and not __fish_seen_subcommand_from list ls show delete help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand retained; and __fish_seen_subcommand_from list" -l topic -d 'Only topics matching this filter (wildcards allowed; default \'#\', which leaves out \'$SYS/...\': ask for \'$SYS/#\' to see those)' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand retained; and __fish_seen_subcommand_from list" -l page -d 'Page number, from 1 (asks for a paged list)' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand retained; and __fish_seen_subcommand_from list" -l limit -d 'Page size' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand retained; and __fish_seen_subcommand_from list" -l url -d 'Base URL of the broker\'s HTTP API [default: http://127.0.0.1:8081]' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand retained; and __fish_seen_subcommand_from list" -l username -d 'HTTP API username (basic auth) [default: admin]. After `pub`, `sub`, `bench` and `acl check`, `--username` (and `--password`) are the MQTT client\'s: give the API\'s before the command' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand retained; and __fish_seen_subcommand_from list" -l password -d 'HTTP API password (basic auth) [default: public]' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand retained; and __fish_seen_subcommand_from list" -l token -d 'Bearer token (JWT, see `token create`), used instead of the username and password' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand retained; and __fish_seen_subcommand_from list" -s o -l output -d 'Output format: tables for people, or the API\'s `data` as JSON for scripts [default: table]' -r -f -a "table\t'Tables and short messages'
json\t'JSON: the API\'s `data`, unchanged'
toml\t'TOML, as in `etc/nanomq.conf` (`config get` only)'"
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand retained; and __fish_seen_subcommand_from list" -l timeout -d 'How long to wait for the broker, e.g. 500ms, 10s, 1m [default: 10s]' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand retained; and __fish_seen_subcommand_from list" -l cacert -d 'CA certificates (PEM) to trust for an https:// URL, besides the system\'s' -r -F
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand retained; and __fish_seen_subcommand_from list" -l profile -d 'Use this section of the profile file ($NANOMQ_CLI_CONFIG, else $XDG_CONFIG_HOME/nanomq/cli.toml, else ~/.config/nanomq/cli.toml)' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand retained; and __fish_seen_subcommand_from list" -l watch -d 'Redraw every SECONDS (default 2) until Ctrl-C, with message and connection rates: for `status`, `metrics`, `topic-tree`, `clients list` and `subscriptions list`' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand retained; and __fish_seen_subcommand_from list" -l no-color -d 'No colours in the output (also when NO_COLOR is set)'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand retained; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand retained; and __fish_seen_subcommand_from ls" -l topic -d 'Only topics matching this filter (wildcards allowed; default \'#\', which leaves out \'$SYS/...\': ask for \'$SYS/#\' to see those)' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand retained; and __fish_seen_subcommand_from ls" -l page -d 'Page number, from 1 (asks for a paged list)' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand retained; and __fish_seen_subcommand_from ls" -l limit -d 'Page size' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand retained; and __fish_seen_subcommand_from ls" -l url -d 'Base URL of the broker\'s HTTP API [default: http://127.0.0.1:8081]' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand retained; and __fish_seen_subcommand_from ls" -l username -d 'HTTP API username (basic auth) [default: admin]. After `pub`, `sub`, `bench` and `acl check`, `--username` (and `--password`) are the MQTT client\'s: give the API\'s before the command' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand retained; and __fish_seen_subcommand_from ls" -l password -d 'HTTP API password (basic auth) [default: public]' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand retained; and __fish_seen_subcommand_from ls" -l token -d 'Bearer token (JWT, see `token create`), used instead of the username and password' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand retained; and __fish_seen_subcommand_from ls" -s o -l output -d 'Output format: tables for people, or the API\'s `data` as JSON for scripts [default: table]' -r -f -a "table\t'Tables and short messages'
json\t'JSON: the API\'s `data`, unchanged'
toml\t'TOML, as in `etc/nanomq.conf` (`config get` only)'"
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand retained; and __fish_seen_subcommand_from ls" -l timeout -d 'How long to wait for the broker, e.g. 500ms, 10s, 1m [default: 10s]' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand retained; and __fish_seen_subcommand_from ls" -l cacert -d 'CA certificates (PEM) to trust for an https:// URL, besides the system\'s' -r -F
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand retained; and __fish_seen_subcommand_from ls" -l profile -d 'Use this section of the profile file ($NANOMQ_CLI_CONFIG, else $XDG_CONFIG_HOME/nanomq/cli.toml, else ~/.config/nanomq/cli.toml)' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand retained; and __fish_seen_subcommand_from ls" -l watch -d 'Redraw every SECONDS (default 2) until Ctrl-C, with message and connection rates: for `status`, `metrics`, `topic-tree`, `clients list` and `subscriptions list`' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand retained; and __fish_seen_subcommand_from ls" -l no-color -d 'No colours in the output (also when NO_COLOR is set)'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand retained; and __fish_seen_subcommand_from ls" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand retained; and __fish_seen_subcommand_from show" -l url -d 'Base URL of the broker\'s HTTP API [default: http://127.0.0.1:8081]' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand retained; and __fish_seen_subcommand_from show" -l username -d 'HTTP API username (basic auth) [default: admin]. After `pub`, `sub`, `bench` and `acl check`, `--username` (and `--password`) are the MQTT client\'s: give the API\'s before the command' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand retained; and __fish_seen_subcommand_from show" -l password -d 'HTTP API password (basic auth) [default: public]' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand retained; and __fish_seen_subcommand_from show" -l token -d 'Bearer token (JWT, see `token create`), used instead of the username and password' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand retained; and __fish_seen_subcommand_from show" -s o -l output -d 'Output format: tables for people, or the API\'s `data` as JSON for scripts [default: table]' -r -f -a "table\t'Tables and short messages'
json\t'JSON: the API\'s `data`, unchanged'
toml\t'TOML, as in `etc/nanomq.conf` (`config get` only)'"
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand retained; and __fish_seen_subcommand_from show" -l timeout -d 'How long to wait for the broker, e.g. 500ms, 10s, 1m [default: 10s]' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand retained; and __fish_seen_subcommand_from show" -l cacert -d 'CA certificates (PEM) to trust for an https:// URL, besides the system\'s' -r -F
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand retained; and __fish_seen_subcommand_from show" -l profile -d 'Use this section of the profile file ($NANOMQ_CLI_CONFIG, else $XDG_CONFIG_HOME/nanomq/cli.toml, else ~/.config/nanomq/cli.toml)' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand retained; and __fish_seen_subcommand_from show" -l watch -d 'Redraw every SECONDS (default 2) until Ctrl-C, with message and connection rates: for `status`, `metrics`, `topic-tree`, `clients list` and `subscriptions list`' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand retained; and __fish_seen_subcommand_from show" -l raw -d 'Print only the payload, as it is (bytes included), like `mosquitto_sub -N`'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand retained; and __fish_seen_subcommand_from show" -l no-color -d 'No colours in the output (also when NO_COLOR is set)'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand retained; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand retained; and __fish_seen_subcommand_from delete" -l url -d 'Base URL of the broker\'s HTTP API [default: http://127.0.0.1:8081]' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand retained; and __fish_seen_subcommand_from delete" -l username -d 'HTTP API username (basic auth) [default: admin]. After `pub`, `sub`, `bench` and `acl check`, `--username` (and `--password`) are the MQTT client\'s: give the API\'s before the command' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand retained; and __fish_seen_subcommand_from delete" -l password -d 'HTTP API password (basic auth) [default: public]' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand retained; and __fish_seen_subcommand_from delete" -l token -d 'Bearer token (JWT, see `token create`), used instead of the username and password' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand retained; and __fish_seen_subcommand_from delete" -s o -l output -d 'Output format: tables for people, or the API\'s `data` as JSON for scripts [default: table]' -r -f -a "table\t'Tables and short messages'
json\t'JSON: the API\'s `data`, unchanged'
toml\t'TOML, as in `etc/nanomq.conf` (`config get` only)'"
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand retained; and __fish_seen_subcommand_from delete" -l timeout -d 'How long to wait for the broker, e.g. 500ms, 10s, 1m [default: 10s]' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand retained; and __fish_seen_subcommand_from delete" -l cacert -d 'CA certificates (PEM) to trust for an https:// URL, besides the system\'s' -r -F
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand retained; and __fish_seen_subcommand_from delete" -l profile -d 'Use this section of the profile file ($NANOMQ_CLI_CONFIG, else $XDG_CONFIG_HOME/nanomq/cli.toml, else ~/.config/nanomq/cli.toml)' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand retained; and __fish_seen_subcommand_from delete" -l watch -d 'Redraw every SECONDS (default 2) until Ctrl-C, with message and connection rates: for `status`, `metrics`, `topic-tree`, `clients list` and `subscriptions list`' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand retained; and __fish_seen_subcommand_from delete" -l no-color -d 'No colours in the output (also when NO_COLOR is set)'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand retained; and __fish_seen_subcommand_from delete" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand retained; and __fish_seen_subcommand_from help" -f -a "list" -d 'List retained messages (topic, size, QoS, payload preview)'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand retained; and __fish_seen_subcommand_from help" -f -a "show" -d 'One retained message in full, with its properties'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand retained; and __fish_seen_subcommand_from help" -f -a "delete" -d 'Remove the message retained on a topic (nothing is published; to tell subscribers, publish an empty retained message instead)'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand retained; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand config; and not __fish_seen_subcommand_from get diff set edit help" -l url -d 'Base URL of the broker\'s HTTP API [default: http://127.0.0.1:8081]' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand config; and not __fish_seen_subcommand_from get diff set edit help" -l username -d 'HTTP API username (basic auth) [default: admin]. After `pub`, `sub`, `bench` and `acl check`, `--username` (and `--password`) are the MQTT client\'s: give the API\'s before the command' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand config; and not __fish_seen_subcommand_from get diff set edit help" -l password -d 'HTTP API password (basic auth) [default: public]' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand config; and not __fish_seen_subcommand_from get diff set edit help" -l token -d 'Bearer token (JWT, see `token create`), used instead of the username and password' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand config; and not __fish_seen_subcommand_from get diff set edit help" -s o -l output -d 'Output format: tables for people, or the API\'s `data` as JSON for scripts [default: table]' -r -f -a "table\t'Tables and short messages'
json\t'JSON: the API\'s `data`, unchanged'
toml\t'TOML, as in `etc/nanomq.conf` (`config get` only)'"
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand config; and not __fish_seen_subcommand_from get diff set edit help" -l timeout -d 'How long to wait for the broker, e.g. 500ms, 10s, 1m [default: 10s]' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand config; and not __fish_seen_subcommand_from get diff set edit help" -l cacert -d 'CA certificates (PEM) to trust for an https:// URL, besides the system\'s' -r -F
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand config; and not __fish_seen_subcommand_from get diff set edit help" -l profile -d 'Use this section of the profile file ($NANOMQ_CLI_CONFIG, else $XDG_CONFIG_HOME/nanomq/cli.toml, else ~/.config/nanomq/cli.toml)' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand config; and not __fish_seen_subcommand_from get diff set edit help" -l watch -d 'Redraw every SECONDS (default 2) until Ctrl-C, with message and connection rates: for `status`, `metrics`, `topic-tree`, `clients list` and `subscriptions list`' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand config; and not __fish_seen_subcommand_from get diff set edit help" -l no-color -d 'No colours in the output (also when NO_COLOR is set)'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand config; and not __fish_seen_subcommand_from get diff set edit help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand config; and not __fish_seen_subcommand_from get diff set edit help" -f -a "get" -d 'Show the configuration (as saved in the broker\'s file; --running for the live one)'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand config; and not __fish_seen_subcommand_from get diff set edit help" -f -a "diff" -d 'The settings where the saved file and the running broker differ (saved changes not yet in force, and command-line overrides)'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand config; and not __fish_seen_subcommand_from get diff set edit help" -f -a "set" -d 'Change settings from a file: JSON as in the API document, or TOML as in etc/nanomq.conf'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand config; and not __fish_seen_subcommand_from get diff set edit help" -f -a "edit" -d 'Edit the configuration as TOML in $VISUAL or $EDITOR, then save it to the broker'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand config; and not __fish_seen_subcommand_from get diff set edit help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand config; and __fish_seen_subcommand_from get" -l url -d 'Base URL of the broker\'s HTTP API [default: http://127.0.0.1:8081]' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand config; and __fish_seen_subcommand_from get" -l username -d 'HTTP API username (basic auth) [default: admin]. After `pub`, `sub`, `bench` and `acl check`, `--username` (and `--password`) are the MQTT client\'s: give the API\'s before the command' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand config; and __fish_seen_subcommand_from get" -l password -d 'HTTP API password (basic auth) [default: public]' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand config; and __fish_seen_subcommand_from get" -l token -d 'Bearer token (JWT, see `token create`), used instead of the username and password' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand config; and __fish_seen_subcommand_from get" -s o -l output -d 'Output format: tables for people, or the API\'s `data` as JSON for scripts [default: table]' -r -f -a "table\t'Tables and short messages'
json\t'JSON: the API\'s `data`, unchanged'
toml\t'TOML, as in `etc/nanomq.conf` (`config get` only)'"
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand config; and __fish_seen_subcommand_from get" -l timeout -d 'How long to wait for the broker, e.g. 500ms, 10s, 1m [default: 10s]' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand config; and __fish_seen_subcommand_from get" -l cacert -d 'CA certificates (PEM) to trust for an https:// URL, besides the system\'s' -r -F
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand config; and __fish_seen_subcommand_from get" -l profile -d 'Use this section of the profile file ($NANOMQ_CLI_CONFIG, else $XDG_CONFIG_HOME/nanomq/cli.toml, else ~/.config/nanomq/cli.toml)' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand config; and __fish_seen_subcommand_from get" -l watch -d 'Redraw every SECONDS (default 2) until Ctrl-C, with message and connection rates: for `status`, `metrics`, `topic-tree`, `clients list` and `subscriptions list`' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand config; and __fish_seen_subcommand_from get" -l running -d 'Show the configuration the broker runs with now rather than the saved one'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand config; and __fish_seen_subcommand_from get" -l no-color -d 'No colours in the output (also when NO_COLOR is set)'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand config; and __fish_seen_subcommand_from get" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand config; and __fish_seen_subcommand_from diff" -l url -d 'Base URL of the broker\'s HTTP API [default: http://127.0.0.1:8081]' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand config; and __fish_seen_subcommand_from diff" -l username -d 'HTTP API username (basic auth) [default: admin]. After `pub`, `sub`, `bench` and `acl check`, `--username` (and `--password`) are the MQTT client\'s: give the API\'s before the command' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand config; and __fish_seen_subcommand_from diff" -l password -d 'HTTP API password (basic auth) [default: public]' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand config; and __fish_seen_subcommand_from diff" -l token -d 'Bearer token (JWT, see `token create`), used instead of the username and password' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand config; and __fish_seen_subcommand_from diff" -s o -l output -d 'Output format: tables for people, or the API\'s `data` as JSON for scripts [default: table]' -r -f -a "table\t'Tables and short messages'
json\t'JSON: the API\'s `data`, unchanged'
toml\t'TOML, as in `etc/nanomq.conf` (`config get` only)'"
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand config; and __fish_seen_subcommand_from diff" -l timeout -d 'How long to wait for the broker, e.g. 500ms, 10s, 1m [default: 10s]' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand config; and __fish_seen_subcommand_from diff" -l cacert -d 'CA certificates (PEM) to trust for an https:// URL, besides the system\'s' -r -F
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand config; and __fish_seen_subcommand_from diff" -l profile -d 'Use this section of the profile file ($NANOMQ_CLI_CONFIG, else $XDG_CONFIG_HOME/nanomq/cli.toml, else ~/.config/nanomq/cli.toml)' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand config; and __fish_seen_subcommand_from diff" -l watch -d 'Redraw every SECONDS (default 2) until Ctrl-C, with message and connection rates: for `status`, `metrics`, `topic-tree`, `clients list` and `subscriptions list`' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand config; and __fish_seen_subcommand_from diff" -l no-color -d 'No colours in the output (also when NO_COLOR is set)'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand config; and __fish_seen_subcommand_from diff" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand config; and __fish_seen_subcommand_from set" -s f -l file -d 'The settings to change (any part of the configuration); `-` reads standard input' -r -F
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand config; and __fish_seen_subcommand_from set" -l format -d 'The file\'s format [default: from the extension; `.json` or text starting with `{` is JSON, anything else TOML]' -r -f -a "json\t'`{"data": {...}}` or the object alone'
toml\t'The layout of `etc/nanomq.conf`'"
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand config; and __fish_seen_subcommand_from set" -l url -d 'Base URL of the broker\'s HTTP API [default: http://127.0.0.1:8081]' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand config; and __fish_seen_subcommand_from set" -l username -d 'HTTP API username (basic auth) [default: admin]. After `pub`, `sub`, `bench` and `acl check`, `--username` (and `--password`) are the MQTT client\'s: give the API\'s before the command' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand config; and __fish_seen_subcommand_from set" -l password -d 'HTTP API password (basic auth) [default: public]' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand config; and __fish_seen_subcommand_from set" -l token -d 'Bearer token (JWT, see `token create`), used instead of the username and password' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand config; and __fish_seen_subcommand_from set" -s o -l output -d 'Output format: tables for people, or the API\'s `data` as JSON for scripts [default: table]' -r -f -a "table\t'Tables and short messages'
json\t'JSON: the API\'s `data`, unchanged'
toml\t'TOML, as in `etc/nanomq.conf` (`config get` only)'"
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand config; and __fish_seen_subcommand_from set" -l timeout -d 'How long to wait for the broker, e.g. 500ms, 10s, 1m [default: 10s]' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand config; and __fish_seen_subcommand_from set" -l cacert -d 'CA certificates (PEM) to trust for an https:// URL, besides the system\'s' -r -F
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand config; and __fish_seen_subcommand_from set" -l profile -d 'Use this section of the profile file ($NANOMQ_CLI_CONFIG, else $XDG_CONFIG_HOME/nanomq/cli.toml, else ~/.config/nanomq/cli.toml)' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand config; and __fish_seen_subcommand_from set" -l watch -d 'Redraw every SECONDS (default 2) until Ctrl-C, with message and connection rates: for `status`, `metrics`, `topic-tree`, `clients list` and `subscriptions list`' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand config; and __fish_seen_subcommand_from set" -l restart -d 'Restart the broker afterwards, so the new settings apply at once'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand config; and __fish_seen_subcommand_from set" -l dry-run -d 'Show what would change, change nothing'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand config; and __fish_seen_subcommand_from set" -l no-color -d 'No colours in the output (also when NO_COLOR is set)'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand config; and __fish_seen_subcommand_from set" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand config; and __fish_seen_subcommand_from edit" -l url -d 'Base URL of the broker\'s HTTP API [default: http://127.0.0.1:8081]' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand config; and __fish_seen_subcommand_from edit" -l username -d 'HTTP API username (basic auth) [default: admin]. After `pub`, `sub`, `bench` and `acl check`, `--username` (and `--password`) are the MQTT client\'s: give the API\'s before the command' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand config; and __fish_seen_subcommand_from edit" -l password -d 'HTTP API password (basic auth) [default: public]' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand config; and __fish_seen_subcommand_from edit" -l token -d 'Bearer token (JWT, see `token create`), used instead of the username and password' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand config; and __fish_seen_subcommand_from edit" -s o -l output -d 'Output format: tables for people, or the API\'s `data` as JSON for scripts [default: table]' -r -f -a "table\t'Tables and short messages'
json\t'JSON: the API\'s `data`, unchanged'
toml\t'TOML, as in `etc/nanomq.conf` (`config get` only)'"
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand config; and __fish_seen_subcommand_from edit" -l timeout -d 'How long to wait for the broker, e.g. 500ms, 10s, 1m [default: 10s]' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand config; and __fish_seen_subcommand_from edit" -l cacert -d 'CA certificates (PEM) to trust for an https:// URL, besides the system\'s' -r -F
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand config; and __fish_seen_subcommand_from edit" -l profile -d 'Use this section of the profile file ($NANOMQ_CLI_CONFIG, else $XDG_CONFIG_HOME/nanomq/cli.toml, else ~/.config/nanomq/cli.toml)' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand config; and __fish_seen_subcommand_from edit" -l watch -d 'Redraw every SECONDS (default 2) until Ctrl-C, with message and connection rates: for `status`, `metrics`, `topic-tree`, `clients list` and `subscriptions list`' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand config; and __fish_seen_subcommand_from edit" -l restart -d 'Restart the broker afterwards, so the new settings apply at once'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand config; and __fish_seen_subcommand_from edit" -l no-color -d 'No colours in the output (also when NO_COLOR is set)'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand config; and __fish_seen_subcommand_from edit" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "get" -d 'Show the configuration (as saved in the broker\'s file; --running for the live one)'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "diff" -d 'The settings where the saved file and the running broker differ (saved changes not yet in force, and command-line overrides)'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "set" -d 'Change settings from a file: JSON as in the API document, or TOML as in etc/nanomq.conf'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "edit" -d 'Edit the configuration as TOML in $VISUAL or $EDITOR, then save it to the broker'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand ctrl; and not __fish_seen_subcommand_from stop restart reload help" -l url -d 'Base URL of the broker\'s HTTP API [default: http://127.0.0.1:8081]' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand ctrl; and not __fish_seen_subcommand_from stop restart reload help" -l username -d 'HTTP API username (basic auth) [default: admin]. After `pub`, `sub`, `bench` and `acl check`, `--username` (and `--password`) are the MQTT client\'s: give the API\'s before the command' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand ctrl; and not __fish_seen_subcommand_from stop restart reload help" -l password -d 'HTTP API password (basic auth) [default: public]' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand ctrl; and not __fish_seen_subcommand_from stop restart reload help" -l token -d 'Bearer token (JWT, see `token create`), used instead of the username and password' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand ctrl; and not __fish_seen_subcommand_from stop restart reload help" -s o -l output -d 'Output format: tables for people, or the API\'s `data` as JSON for scripts [default: table]' -r -f -a "table\t'Tables and short messages'
json\t'JSON: the API\'s `data`, unchanged'
toml\t'TOML, as in `etc/nanomq.conf` (`config get` only)'"
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand ctrl; and not __fish_seen_subcommand_from stop restart reload help" -l timeout -d 'How long to wait for the broker, e.g. 500ms, 10s, 1m [default: 10s]' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand ctrl; and not __fish_seen_subcommand_from stop restart reload help" -l cacert -d 'CA certificates (PEM) to trust for an https:// URL, besides the system\'s' -r -F
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand ctrl; and not __fish_seen_subcommand_from stop restart reload help" -l profile -d 'Use this section of the profile file ($NANOMQ_CLI_CONFIG, else $XDG_CONFIG_HOME/nanomq/cli.toml, else ~/.config/nanomq/cli.toml)' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand ctrl; and not __fish_seen_subcommand_from stop restart reload help" -l watch -d 'Redraw every SECONDS (default 2) until Ctrl-C, with message and connection rates: for `status`, `metrics`, `topic-tree`, `clients list` and `subscriptions list`' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand ctrl; and not __fish_seen_subcommand_from stop restart reload help" -l no-color -d 'No colours in the output (also when NO_COLOR is set)'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand ctrl; and not __fish_seen_subcommand_from stop restart reload help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand ctrl; and not __fish_seen_subcommand_from stop restart reload help" -f -a "stop" -d 'Stop the broker (its process exits)'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand ctrl; and not __fish_seen_subcommand_from stop restart reload help" -f -a "restart" -d 'Restart the listeners on the re-read configuration file, and wait until it is back'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand ctrl; and not __fish_seen_subcommand_from stop restart reload help" -f -a "reload" -d 'Apply the re-read configuration file without dropping a connection (POST /reload): prints what is now in force and what still needs `ctrl restart`'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand ctrl; and not __fish_seen_subcommand_from stop restart reload help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand ctrl; and __fish_seen_subcommand_from stop" -l url -d 'Base URL of the broker\'s HTTP API [default: http://127.0.0.1:8081]' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand ctrl; and __fish_seen_subcommand_from stop" -l username -d 'HTTP API username (basic auth) [default: admin]. After `pub`, `sub`, `bench` and `acl check`, `--username` (and `--password`) are the MQTT client\'s: give the API\'s before the command' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand ctrl; and __fish_seen_subcommand_from stop" -l password -d 'HTTP API password (basic auth) [default: public]' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand ctrl; and __fish_seen_subcommand_from stop" -l token -d 'Bearer token (JWT, see `token create`), used instead of the username and password' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand ctrl; and __fish_seen_subcommand_from stop" -s o -l output -d 'Output format: tables for people, or the API\'s `data` as JSON for scripts [default: table]' -r -f -a "table\t'Tables and short messages'
json\t'JSON: the API\'s `data`, unchanged'
toml\t'TOML, as in `etc/nanomq.conf` (`config get` only)'"
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand ctrl; and __fish_seen_subcommand_from stop" -l timeout -d 'How long to wait for the broker, e.g. 500ms, 10s, 1m [default: 10s]' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand ctrl; and __fish_seen_subcommand_from stop" -l cacert -d 'CA certificates (PEM) to trust for an https:// URL, besides the system\'s' -r -F
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand ctrl; and __fish_seen_subcommand_from stop" -l profile -d 'Use this section of the profile file ($NANOMQ_CLI_CONFIG, else $XDG_CONFIG_HOME/nanomq/cli.toml, else ~/.config/nanomq/cli.toml)' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand ctrl; and __fish_seen_subcommand_from stop" -l watch -d 'Redraw every SECONDS (default 2) until Ctrl-C, with message and connection rates: for `status`, `metrics`, `topic-tree`, `clients list` and `subscriptions list`' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand ctrl; and __fish_seen_subcommand_from stop" -s y -l yes -d 'Do not ask for confirmation'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand ctrl; and __fish_seen_subcommand_from stop" -l no-color -d 'No colours in the output (also when NO_COLOR is set)'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand ctrl; and __fish_seen_subcommand_from stop" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand ctrl; and __fish_seen_subcommand_from restart" -l wait-timeout -d 'How long to wait for the broker to be back' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand ctrl; and __fish_seen_subcommand_from restart" -l url -d 'Base URL of the broker\'s HTTP API [default: http://127.0.0.1:8081]' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand ctrl; and __fish_seen_subcommand_from restart" -l username -d 'HTTP API username (basic auth) [default: admin]. After `pub`, `sub`, `bench` and `acl check`, `--username` (and `--password`) are the MQTT client\'s: give the API\'s before the command' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand ctrl; and __fish_seen_subcommand_from restart" -l password -d 'HTTP API password (basic auth) [default: public]' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand ctrl; and __fish_seen_subcommand_from restart" -l token -d 'Bearer token (JWT, see `token create`), used instead of the username and password' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand ctrl; and __fish_seen_subcommand_from restart" -s o -l output -d 'Output format: tables for people, or the API\'s `data` as JSON for scripts [default: table]' -r -f -a "table\t'Tables and short messages'
json\t'JSON: the API\'s `data`, unchanged'
toml\t'TOML, as in `etc/nanomq.conf` (`config get` only)'"
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand ctrl; and __fish_seen_subcommand_from restart" -l timeout -d 'How long to wait for the broker, e.g. 500ms, 10s, 1m [default: 10s]' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand ctrl; and __fish_seen_subcommand_from restart" -l cacert -d 'CA certificates (PEM) to trust for an https:// URL, besides the system\'s' -r -F
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand ctrl; and __fish_seen_subcommand_from restart" -l profile -d 'Use this section of the profile file ($NANOMQ_CLI_CONFIG, else $XDG_CONFIG_HOME/nanomq/cli.toml, else ~/.config/nanomq/cli.toml)' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand ctrl; and __fish_seen_subcommand_from restart" -l watch -d 'Redraw every SECONDS (default 2) until Ctrl-C, with message and connection rates: for `status`, `metrics`, `topic-tree`, `clients list` and `subscriptions list`' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand ctrl; and __fish_seen_subcommand_from restart" -s y -l yes -d 'Do not ask for confirmation'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand ctrl; and __fish_seen_subcommand_from restart" -l no-wait -d 'Do not wait for the broker to be back'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand ctrl; and __fish_seen_subcommand_from restart" -l no-color -d 'No colours in the output (also when NO_COLOR is set)'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand ctrl; and __fish_seen_subcommand_from restart" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand ctrl; and __fish_seen_subcommand_from reload" -l url -d 'Base URL of the broker\'s HTTP API [default: http://127.0.0.1:8081]' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand ctrl; and __fish_seen_subcommand_from reload" -l username -d 'HTTP API username (basic auth) [default: admin]. After `pub`, `sub`, `bench` and `acl check`, `--username` (and `--password`) are the MQTT client\'s: give the API\'s before the command' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand ctrl; and __fish_seen_subcommand_from reload" -l password -d 'HTTP API password (basic auth) [default: public]' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand ctrl; and __fish_seen_subcommand_from reload" -l token -d 'Bearer token (JWT, see `token create`), used instead of the username and password' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand ctrl; and __fish_seen_subcommand_from reload" -s o -l output -d 'Output format: tables for people, or the API\'s `data` as JSON for scripts [default: table]' -r -f -a "table\t'Tables and short messages'
json\t'JSON: the API\'s `data`, unchanged'
toml\t'TOML, as in `etc/nanomq.conf` (`config get` only)'"
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand ctrl; and __fish_seen_subcommand_from reload" -l timeout -d 'How long to wait for the broker, e.g. 500ms, 10s, 1m [default: 10s]' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand ctrl; and __fish_seen_subcommand_from reload" -l cacert -d 'CA certificates (PEM) to trust for an https:// URL, besides the system\'s' -r -F
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand ctrl; and __fish_seen_subcommand_from reload" -l profile -d 'Use this section of the profile file ($NANOMQ_CLI_CONFIG, else $XDG_CONFIG_HOME/nanomq/cli.toml, else ~/.config/nanomq/cli.toml)' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand ctrl; and __fish_seen_subcommand_from reload" -l watch -d 'Redraw every SECONDS (default 2) until Ctrl-C, with message and connection rates: for `status`, `metrics`, `topic-tree`, `clients list` and `subscriptions list`' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand ctrl; and __fish_seen_subcommand_from reload" -l no-color -d 'No colours in the output (also when NO_COLOR is set)'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand ctrl; and __fish_seen_subcommand_from reload" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand ctrl; and __fish_seen_subcommand_from help" -f -a "stop" -d 'Stop the broker (its process exits)'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand ctrl; and __fish_seen_subcommand_from help" -f -a "restart" -d 'Restart the listeners on the re-read configuration file, and wait until it is back'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand ctrl; and __fish_seen_subcommand_from help" -f -a "reload" -d 'Apply the re-read configuration file without dropping a connection (POST /reload): prints what is now in force and what still needs `ctrl restart`'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand ctrl; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand publish" -s t -l topic -d 'Topic to publish to (repeatable: the same message goes to each)' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand publish" -s m -l message -d 'Message payload (reads standard input when neither -m nor -f is given)' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand publish" -s f -l file -d 'Publish the content of a file (sent base64-encoded when it is not UTF-8)' -r -F
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand publish" -s q -l qos -d 'QoS: 0, 1 or 2' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand publish" -l clientid -d 'The client id the message is published as (informational)' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand publish" -l user-property -d 'MQTT 5 user property, `key=value` (repeatable)' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand publish" -l content-type -d 'MQTT 5 content type' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand publish" -l message-expiry -d 'MQTT 5 message expiry interval, seconds' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand publish" -l response-topic -d 'MQTT 5 response topic' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand publish" -l correlation-data -d 'MQTT 5 correlation data, as text' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand publish" -l url -d 'Base URL of the broker\'s HTTP API [default: http://127.0.0.1:8081]' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand publish" -l username -d 'HTTP API username (basic auth) [default: admin]. After `pub`, `sub`, `bench` and `acl check`, `--username` (and `--password`) are the MQTT client\'s: give the API\'s before the command' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand publish" -l password -d 'HTTP API password (basic auth) [default: public]' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand publish" -l token -d 'Bearer token (JWT, see `token create`), used instead of the username and password' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand publish" -s o -l output -d 'Output format: tables for people, or the API\'s `data` as JSON for scripts [default: table]' -r -f -a "table\t'Tables and short messages'
json\t'JSON: the API\'s `data`, unchanged'
toml\t'TOML, as in `etc/nanomq.conf` (`config get` only)'"
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand publish" -l timeout -d 'How long to wait for the broker, e.g. 500ms, 10s, 1m [default: 10s]' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand publish" -l cacert -d 'CA certificates (PEM) to trust for an https:// URL, besides the system\'s' -r -F
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand publish" -l profile -d 'Use this section of the profile file ($NANOMQ_CLI_CONFIG, else $XDG_CONFIG_HOME/nanomq/cli.toml, else ~/.config/nanomq/cli.toml)' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand publish" -l watch -d 'Redraw every SECONDS (default 2) until Ctrl-C, with message and connection rates: for `status`, `metrics`, `topic-tree`, `clients list` and `subscriptions list`' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand publish" -l base64 -d 'The payload given is base64, to be decoded by the broker'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand publish" -s r -l retain -d 'Set the RETAIN flag'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand publish" -l no-color -d 'No colours in the output (also when NO_COLOR is set)'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand publish" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand metrics" -l url -d 'Base URL of the broker\'s HTTP API [default: http://127.0.0.1:8081]' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand metrics" -l username -d 'HTTP API username (basic auth) [default: admin]. After `pub`, `sub`, `bench` and `acl check`, `--username` (and `--password`) are the MQTT client\'s: give the API\'s before the command' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand metrics" -l password -d 'HTTP API password (basic auth) [default: public]' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand metrics" -l token -d 'Bearer token (JWT, see `token create`), used instead of the username and password' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand metrics" -s o -l output -d 'Output format: tables for people, or the API\'s `data` as JSON for scripts [default: table]' -r -f -a "table\t'Tables and short messages'
json\t'JSON: the API\'s `data`, unchanged'
toml\t'TOML, as in `etc/nanomq.conf` (`config get` only)'"
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand metrics" -l timeout -d 'How long to wait for the broker, e.g. 500ms, 10s, 1m [default: 10s]' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand metrics" -l cacert -d 'CA certificates (PEM) to trust for an https:// URL, besides the system\'s' -r -F
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand metrics" -l profile -d 'Use this section of the profile file ($NANOMQ_CLI_CONFIG, else $XDG_CONFIG_HOME/nanomq/cli.toml, else ~/.config/nanomq/cli.toml)' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand metrics" -l watch -d 'Redraw every SECONDS (default 2) until Ctrl-C, with message and connection rates: for `status`, `metrics`, `topic-tree`, `clients list` and `subscriptions list`' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand metrics" -l no-color -d 'No colours in the output (also when NO_COLOR is set)'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand metrics" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand token; and not __fish_seen_subcommand_from create help" -l url -d 'Base URL of the broker\'s HTTP API [default: http://127.0.0.1:8081]' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand token; and not __fish_seen_subcommand_from create help" -l username -d 'HTTP API username (basic auth) [default: admin]. After `pub`, `sub`, `bench` and `acl check`, `--username` (and `--password`) are the MQTT client\'s: give the API\'s before the command' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand token; and not __fish_seen_subcommand_from create help" -l password -d 'HTTP API password (basic auth) [default: public]' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand token; and not __fish_seen_subcommand_from create help" -l token -d 'Bearer token (JWT, see `token create`), used instead of the username and password' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand token; and not __fish_seen_subcommand_from create help" -s o -l output -d 'Output format: tables for people, or the API\'s `data` as JSON for scripts [default: table]' -r -f -a "table\t'Tables and short messages'
json\t'JSON: the API\'s `data`, unchanged'
toml\t'TOML, as in `etc/nanomq.conf` (`config get` only)'"
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand token; and not __fish_seen_subcommand_from create help" -l timeout -d 'How long to wait for the broker, e.g. 500ms, 10s, 1m [default: 10s]' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand token; and not __fish_seen_subcommand_from create help" -l cacert -d 'CA certificates (PEM) to trust for an https:// URL, besides the system\'s' -r -F
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand token; and not __fish_seen_subcommand_from create help" -l profile -d 'Use this section of the profile file ($NANOMQ_CLI_CONFIG, else $XDG_CONFIG_HOME/nanomq/cli.toml, else ~/.config/nanomq/cli.toml)' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand token; and not __fish_seen_subcommand_from create help" -l watch -d 'Redraw every SECONDS (default 2) until Ctrl-C, with message and connection rates: for `status`, `metrics`, `topic-tree`, `clients list` and `subscriptions list`' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand token; and not __fish_seen_subcommand_from create help" -l no-color -d 'No colours in the output (also when NO_COLOR is set)'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand token; and not __fish_seen_subcommand_from create help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand token; and not __fish_seen_subcommand_from create help" -f -a "create" -d 'Sign a JWT the broker accepts (`http_server.auth_type = "jwt"`), and print it'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand token; and not __fish_seen_subcommand_from create help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand token; and __fish_seen_subcommand_from create" -l key -d 'The private key (PEM, RSA or EC) matching the broker\'s `jwt.public_keyfile`' -r -F
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand token; and __fish_seen_subcommand_from create" -l ttl -d 'How long the token is valid, e.g. 30m, 1h, 24h' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand token; and __fish_seen_subcommand_from create" -l issuer -d 'The `iss` claim [default: the file name of the matching public key, as the broker expects; see --public-key]' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand token; and __fish_seen_subcommand_from create" -l public-key -d 'The public key file the broker is configured with [default: found beside --key: KEY.pub, STEM.pub, STEM.pub.pem, or the name with `private` replaced by `public`]' -r -F
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand token; and __fish_seen_subcommand_from create" -l algorithm -d 'The signature algorithm [default: RS256 for an RSA key, ES256 for an EC key]' -r -f -a "RS256\t'RSA, SHA-256'
RS384\t'RSA, SHA-384'
RS512\t'RSA, SHA-512'
ES256\t'ECDSA P-256, SHA-256'
ES384\t'ECDSA P-384, SHA-384'"
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand token; and __fish_seen_subcommand_from create" -l subject -d 'The `sub` claim' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand token; and __fish_seen_subcommand_from create" -l url -d 'Base URL of the broker\'s HTTP API [default: http://127.0.0.1:8081]' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand token; and __fish_seen_subcommand_from create" -l username -d 'HTTP API username (basic auth) [default: admin]. After `pub`, `sub`, `bench` and `acl check`, `--username` (and `--password`) are the MQTT client\'s: give the API\'s before the command' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand token; and __fish_seen_subcommand_from create" -l password -d 'HTTP API password (basic auth) [default: public]' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand token; and __fish_seen_subcommand_from create" -l token -d 'Bearer token (JWT, see `token create`), used instead of the username and password' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand token; and __fish_seen_subcommand_from create" -s o -l output -d 'Output format: tables for people, or the API\'s `data` as JSON for scripts [default: table]' -r -f -a "table\t'Tables and short messages'
json\t'JSON: the API\'s `data`, unchanged'
toml\t'TOML, as in `etc/nanomq.conf` (`config get` only)'"
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand token; and __fish_seen_subcommand_from create" -l timeout -d 'How long to wait for the broker, e.g. 500ms, 10s, 1m [default: 10s]' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand token; and __fish_seen_subcommand_from create" -l cacert -d 'CA certificates (PEM) to trust for an https:// URL, besides the system\'s' -r -F
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand token; and __fish_seen_subcommand_from create" -l profile -d 'Use this section of the profile file ($NANOMQ_CLI_CONFIG, else $XDG_CONFIG_HOME/nanomq/cli.toml, else ~/.config/nanomq/cli.toml)' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand token; and __fish_seen_subcommand_from create" -l watch -d 'Redraw every SECONDS (default 2) until Ctrl-C, with message and connection rates: for `status`, `metrics`, `topic-tree`, `clients list` and `subscriptions list`' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand token; and __fish_seen_subcommand_from create" -l no-color -d 'No colours in the output (also when NO_COLOR is set)'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand token; and __fish_seen_subcommand_from create" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand token; and __fish_seen_subcommand_from help" -f -a "create" -d 'Sign a JWT the broker accepts (`http_server.auth_type = "jwt"`), and print it'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand token; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand passwd" -l url -d 'Base URL of the broker\'s HTTP API [default: http://127.0.0.1:8081]' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand passwd" -l username -d 'HTTP API username (basic auth) [default: admin]. After `pub`, `sub`, `bench` and `acl check`, `--username` (and `--password`) are the MQTT client\'s: give the API\'s before the command' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand passwd" -l password -d 'HTTP API password (basic auth) [default: public]' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand passwd" -l token -d 'Bearer token (JWT, see `token create`), used instead of the username and password' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand passwd" -s o -l output -d 'Output format: tables for people, or the API\'s `data` as JSON for scripts [default: table]' -r -f -a "table\t'Tables and short messages'
json\t'JSON: the API\'s `data`, unchanged'
toml\t'TOML, as in `etc/nanomq.conf` (`config get` only)'"
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand passwd" -l timeout -d 'How long to wait for the broker, e.g. 500ms, 10s, 1m [default: 10s]' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand passwd" -l cacert -d 'CA certificates (PEM) to trust for an https:// URL, besides the system\'s' -r -F
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand passwd" -l profile -d 'Use this section of the profile file ($NANOMQ_CLI_CONFIG, else $XDG_CONFIG_HOME/nanomq/cli.toml, else ~/.config/nanomq/cli.toml)' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand passwd" -l watch -d 'Redraw every SECONDS (default 2) until Ctrl-C, with message and connection rates: for `status`, `metrics`, `topic-tree`, `clients list` and `subscriptions list`' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand passwd" -l password-stdin -d 'Read the password from the first line of standard input instead of prompting'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand passwd" -l delete -d 'Remove the user instead'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand passwd" -l no-color -d 'No colours in the output (also when NO_COLOR is set)'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand passwd" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand acl; and not __fish_seen_subcommand_from check help" -l url -d 'Base URL of the broker\'s HTTP API [default: http://127.0.0.1:8081]' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand acl; and not __fish_seen_subcommand_from check help" -l username -d 'HTTP API username (basic auth) [default: admin]. After `pub`, `sub`, `bench` and `acl check`, `--username` (and `--password`) are the MQTT client\'s: give the API\'s before the command' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand acl; and not __fish_seen_subcommand_from check help" -l password -d 'HTTP API password (basic auth) [default: public]' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand acl; and not __fish_seen_subcommand_from check help" -l token -d 'Bearer token (JWT, see `token create`), used instead of the username and password' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand acl; and not __fish_seen_subcommand_from check help" -s o -l output -d 'Output format: tables for people, or the API\'s `data` as JSON for scripts [default: table]' -r -f -a "table\t'Tables and short messages'
json\t'JSON: the API\'s `data`, unchanged'
toml\t'TOML, as in `etc/nanomq.conf` (`config get` only)'"
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand acl; and not __fish_seen_subcommand_from check help" -l timeout -d 'How long to wait for the broker, e.g. 500ms, 10s, 1m [default: 10s]' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand acl; and not __fish_seen_subcommand_from check help" -l cacert -d 'CA certificates (PEM) to trust for an https:// URL, besides the system\'s' -r -F
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand acl; and not __fish_seen_subcommand_from check help" -l profile -d 'Use this section of the profile file ($NANOMQ_CLI_CONFIG, else $XDG_CONFIG_HOME/nanomq/cli.toml, else ~/.config/nanomq/cli.toml)' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand acl; and not __fish_seen_subcommand_from check help" -l watch -d 'Redraw every SECONDS (default 2) until Ctrl-C, with message and connection rates: for `status`, `metrics`, `topic-tree`, `clients list` and `subscriptions list`' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand acl; and not __fish_seen_subcommand_from check help" -l no-color -d 'No colours in the output (also when NO_COLOR is set)'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand acl; and not __fish_seen_subcommand_from check help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand acl; and not __fish_seen_subcommand_from check help" -f -a "check" -d 'Which access-control rule of the running broker decides a publish or a subscribe'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand acl; and not __fish_seen_subcommand_from check help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand acl; and __fish_seen_subcommand_from check" -s u -l user -d 'The client\'s MQTT username, as for `pub` and `sub`. After `acl check`, `--username` means this too (give the API\'s own username before `acl`, or in NANOMQ_USERNAME)' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand acl; and __fish_seen_subcommand_from check" -l clientid -d 'The client\'s identifier' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand acl; and __fish_seen_subcommand_from check" -l ip -d 'The client\'s IP address' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand acl; and __fish_seen_subcommand_from check" -l action -d 'What the client does' -r -f -a "publish\t'Publishing to a topic'
subscribe\t'Subscribing to a filter'"
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand acl; and __fish_seen_subcommand_from check" -l url -d 'Base URL of the broker\'s HTTP API [default: http://127.0.0.1:8081]' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand acl; and __fish_seen_subcommand_from check" -l username -d 'HTTP API username (basic auth) [default: admin]. After `pub`, `sub`, `bench` and `acl check`, `--username` (and `--password`) are the MQTT client\'s: give the API\'s before the command' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand acl; and __fish_seen_subcommand_from check" -l password -d 'HTTP API password (basic auth) [default: public]' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand acl; and __fish_seen_subcommand_from check" -l token -d 'Bearer token (JWT, see `token create`), used instead of the username and password' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand acl; and __fish_seen_subcommand_from check" -s o -l output -d 'Output format: tables for people, or the API\'s `data` as JSON for scripts [default: table]' -r -f -a "table\t'Tables and short messages'
json\t'JSON: the API\'s `data`, unchanged'
toml\t'TOML, as in `etc/nanomq.conf` (`config get` only)'"
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand acl; and __fish_seen_subcommand_from check" -l timeout -d 'How long to wait for the broker, e.g. 500ms, 10s, 1m [default: 10s]' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand acl; and __fish_seen_subcommand_from check" -l cacert -d 'CA certificates (PEM) to trust for an https:// URL, besides the system\'s' -r -F
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand acl; and __fish_seen_subcommand_from check" -l profile -d 'Use this section of the profile file ($NANOMQ_CLI_CONFIG, else $XDG_CONFIG_HOME/nanomq/cli.toml, else ~/.config/nanomq/cli.toml)' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand acl; and __fish_seen_subcommand_from check" -l watch -d 'Redraw every SECONDS (default 2) until Ctrl-C, with message and connection rates: for `status`, `metrics`, `topic-tree`, `clients list` and `subscriptions list`' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand acl; and __fish_seen_subcommand_from check" -l no-color -d 'No colours in the output (also when NO_COLOR is set)'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand acl; and __fish_seen_subcommand_from check" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand acl; and __fish_seen_subcommand_from help" -f -a "check" -d 'Which access-control rule of the running broker decides a publish or a subscribe'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand acl; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand log; and not __fish_seen_subcommand_from level help" -l url -d 'Base URL of the broker\'s HTTP API [default: http://127.0.0.1:8081]' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand log; and not __fish_seen_subcommand_from level help" -l username -d 'HTTP API username (basic auth) [default: admin]. After `pub`, `sub`, `bench` and `acl check`, `--username` (and `--password`) are the MQTT client\'s: give the API\'s before the command' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand log; and not __fish_seen_subcommand_from level help" -l password -d 'HTTP API password (basic auth) [default: public]' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand log; and not __fish_seen_subcommand_from level help" -l token -d 'Bearer token (JWT, see `token create`), used instead of the username and password' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand log; and not __fish_seen_subcommand_from level help" -s o -l output -d 'Output format: tables for people, or the API\'s `data` as JSON for scripts [default: table]' -r -f -a "table\t'Tables and short messages'
json\t'JSON: the API\'s `data`, unchanged'
toml\t'TOML, as in `etc/nanomq.conf` (`config get` only)'"
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand log; and not __fish_seen_subcommand_from level help" -l timeout -d 'How long to wait for the broker, e.g. 500ms, 10s, 1m [default: 10s]' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand log; and not __fish_seen_subcommand_from level help" -l cacert -d 'CA certificates (PEM) to trust for an https:// URL, besides the system\'s' -r -F
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand log; and not __fish_seen_subcommand_from level help" -l profile -d 'Use this section of the profile file ($NANOMQ_CLI_CONFIG, else $XDG_CONFIG_HOME/nanomq/cli.toml, else ~/.config/nanomq/cli.toml)' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand log; and not __fish_seen_subcommand_from level help" -l watch -d 'Redraw every SECONDS (default 2) until Ctrl-C, with message and connection rates: for `status`, `metrics`, `topic-tree`, `clients list` and `subscriptions list`' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand log; and not __fish_seen_subcommand_from level help" -l no-color -d 'No colours in the output (also when NO_COLOR is set)'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand log; and not __fish_seen_subcommand_from level help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand log; and not __fish_seen_subcommand_from level help" -f -a "level" -d 'Show the broker\'s log level, or change it at run time (the configuration file is not changed: a restart or a reload goes back to the file\'s `log.level`)'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand log; and not __fish_seen_subcommand_from level help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand log; and __fish_seen_subcommand_from level" -l url -d 'Base URL of the broker\'s HTTP API [default: http://127.0.0.1:8081]' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand log; and __fish_seen_subcommand_from level" -l username -d 'HTTP API username (basic auth) [default: admin]. After `pub`, `sub`, `bench` and `acl check`, `--username` (and `--password`) are the MQTT client\'s: give the API\'s before the command' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand log; and __fish_seen_subcommand_from level" -l password -d 'HTTP API password (basic auth) [default: public]' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand log; and __fish_seen_subcommand_from level" -l token -d 'Bearer token (JWT, see `token create`), used instead of the username and password' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand log; and __fish_seen_subcommand_from level" -s o -l output -d 'Output format: tables for people, or the API\'s `data` as JSON for scripts [default: table]' -r -f -a "table\t'Tables and short messages'
json\t'JSON: the API\'s `data`, unchanged'
toml\t'TOML, as in `etc/nanomq.conf` (`config get` only)'"
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand log; and __fish_seen_subcommand_from level" -l timeout -d 'How long to wait for the broker, e.g. 500ms, 10s, 1m [default: 10s]' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand log; and __fish_seen_subcommand_from level" -l cacert -d 'CA certificates (PEM) to trust for an https:// URL, besides the system\'s' -r -F
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand log; and __fish_seen_subcommand_from level" -l profile -d 'Use this section of the profile file ($NANOMQ_CLI_CONFIG, else $XDG_CONFIG_HOME/nanomq/cli.toml, else ~/.config/nanomq/cli.toml)' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand log; and __fish_seen_subcommand_from level" -l watch -d 'Redraw every SECONDS (default 2) until Ctrl-C, with message and connection rates: for `status`, `metrics`, `topic-tree`, `clients list` and `subscriptions list`' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand log; and __fish_seen_subcommand_from level" -l no-color -d 'No colours in the output (also when NO_COLOR is set)'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand log; and __fish_seen_subcommand_from level" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand log; and __fish_seen_subcommand_from help" -f -a "level" -d 'Show the broker\'s log level, or change it at run time (the configuration file is not changed: a restart or a reload goes back to the file\'s `log.level`)'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand log; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand completions" -l url -d 'Base URL of the broker\'s HTTP API [default: http://127.0.0.1:8081]' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand completions" -l username -d 'HTTP API username (basic auth) [default: admin]. After `pub`, `sub`, `bench` and `acl check`, `--username` (and `--password`) are the MQTT client\'s: give the API\'s before the command' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand completions" -l password -d 'HTTP API password (basic auth) [default: public]' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand completions" -l token -d 'Bearer token (JWT, see `token create`), used instead of the username and password' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand completions" -s o -l output -d 'Output format: tables for people, or the API\'s `data` as JSON for scripts [default: table]' -r -f -a "table\t'Tables and short messages'
json\t'JSON: the API\'s `data`, unchanged'
toml\t'TOML, as in `etc/nanomq.conf` (`config get` only)'"
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand completions" -l timeout -d 'How long to wait for the broker, e.g. 500ms, 10s, 1m [default: 10s]' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand completions" -l cacert -d 'CA certificates (PEM) to trust for an https:// URL, besides the system\'s' -r -F
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand completions" -l profile -d 'Use this section of the profile file ($NANOMQ_CLI_CONFIG, else $XDG_CONFIG_HOME/nanomq/cli.toml, else ~/.config/nanomq/cli.toml)' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand completions" -l watch -d 'Redraw every SECONDS (default 2) until Ctrl-C, with message and connection rates: for `status`, `metrics`, `topic-tree`, `clients list` and `subscriptions list`' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand completions" -l no-color -d 'No colours in the output (also when NO_COLOR is set)'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand completions" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand man" -l url -d 'Base URL of the broker\'s HTTP API [default: http://127.0.0.1:8081]' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand man" -l username -d 'HTTP API username (basic auth) [default: admin]. After `pub`, `sub`, `bench` and `acl check`, `--username` (and `--password`) are the MQTT client\'s: give the API\'s before the command' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand man" -l password -d 'HTTP API password (basic auth) [default: public]' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand man" -l token -d 'Bearer token (JWT, see `token create`), used instead of the username and password' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand man" -s o -l output -d 'Output format: tables for people, or the API\'s `data` as JSON for scripts [default: table]' -r -f -a "table\t'Tables and short messages'
json\t'JSON: the API\'s `data`, unchanged'
toml\t'TOML, as in `etc/nanomq.conf` (`config get` only)'"
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand man" -l timeout -d 'How long to wait for the broker, e.g. 500ms, 10s, 1m [default: 10s]' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand man" -l cacert -d 'CA certificates (PEM) to trust for an https:// URL, besides the system\'s' -r -F
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand man" -l profile -d 'Use this section of the profile file ($NANOMQ_CLI_CONFIG, else $XDG_CONFIG_HOME/nanomq/cli.toml, else ~/.config/nanomq/cli.toml)' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand man" -l watch -d 'Redraw every SECONDS (default 2) until Ctrl-C, with message and connection rates: for `status`, `metrics`, `topic-tree`, `clients list` and `subscriptions list`' -r
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand man" -l no-color -d 'No colours in the output (also when NO_COLOR is set)'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand man" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand help; and not __fish_seen_subcommand_from pub sub bench status bridges brokers nodes endpoints clients subscriptions topic-tree retained config ctrl publish metrics token passwd acl log completions man help" -f -a "pub" -d 'Publish MQTT messages'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand help; and not __fish_seen_subcommand_from pub sub bench status bridges brokers nodes endpoints clients subscriptions topic-tree retained config ctrl publish metrics token passwd acl log completions man help" -f -a "sub" -d 'Subscribe and print MQTT messages'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand help; and not __fish_seen_subcommand_from pub sub bench status bridges brokers nodes endpoints clients subscriptions topic-tree retained config ctrl publish metrics token passwd acl log completions man help" -f -a "bench" -d 'Load-test a broker (publishers, subscribers, idle connections)'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand help; and not __fish_seen_subcommand_from pub sub bench status bridges brokers nodes endpoints clients subscriptions topic-tree retained config ctrl publish metrics token passwd acl log completions man help" -f -a "status" -d 'Broker and node status in one view'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand help; and not __fish_seen_subcommand_from pub sub bench status bridges brokers nodes endpoints clients subscriptions topic-tree retained config ctrl publish metrics token passwd acl log completions man help" -f -a "bridges" -d 'The bridges to upstream brokers: state and counters (GET /bridges)'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand help; and not __fish_seen_subcommand_from pub sub bench status bridges brokers nodes endpoints clients subscriptions topic-tree retained config ctrl publish metrics token passwd acl log completions man help" -f -a "brokers" -d 'The broker\'s version, status and uptime (GET /brokers)'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand help; and not __fish_seen_subcommand_from pub sub bench status bridges brokers nodes endpoints clients subscriptions topic-tree retained config ctrl publish metrics token passwd acl log completions man help" -f -a "nodes" -d 'The node\'s status and connection count (GET /nodes)'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand help; and not __fish_seen_subcommand_from pub sub bench status bridges brokers nodes endpoints clients subscriptions topic-tree retained config ctrl publish metrics token passwd acl log completions man help" -f -a "endpoints" -d 'The routes the HTTP API serves (GET /api/v4)'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand help; and not __fish_seen_subcommand_from pub sub bench status bridges brokers nodes endpoints clients subscriptions topic-tree retained config ctrl publish metrics token passwd acl log completions man help" -f -a "clients" -d 'List, show and kick clients (and persistent sessions)'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand help; and not __fish_seen_subcommand_from pub sub bench status bridges brokers nodes endpoints clients subscriptions topic-tree retained config ctrl publish metrics token passwd acl log completions man help" -f -a "subscriptions" -d 'List the subscriptions, or one client\'s'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand help; and not __fish_seen_subcommand_from pub sub bench status bridges brokers nodes endpoints clients subscriptions topic-tree retained config ctrl publish metrics token passwd acl log completions man help" -f -a "topic-tree" -d 'The subscription tree, drawn as a tree'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand help; and not __fish_seen_subcommand_from pub sub bench status bridges brokers nodes endpoints clients subscriptions topic-tree retained config ctrl publish metrics token passwd acl log completions man help" -f -a "retained" -d 'List, show and remove retained messages'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand help; and not __fish_seen_subcommand_from pub sub bench status bridges brokers nodes endpoints clients subscriptions topic-tree retained config ctrl publish metrics token passwd acl log completions man help" -f -a "config" -d 'Show or change the broker\'s configuration'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand help; and not __fish_seen_subcommand_from pub sub bench status bridges brokers nodes endpoints clients subscriptions topic-tree retained config ctrl publish metrics token passwd acl log completions man help" -f -a "ctrl" -d 'Stop or restart the broker'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand help; and not __fish_seen_subcommand_from pub sub bench status bridges brokers nodes endpoints clients subscriptions topic-tree retained config ctrl publish metrics token passwd acl log completions man help" -f -a "publish" -d 'Publish a message through the HTTP API (see `pub` for MQTT)'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand help; and not __fish_seen_subcommand_from pub sub bench status bridges brokers nodes endpoints clients subscriptions topic-tree retained config ctrl publish metrics token passwd acl log completions man help" -f -a "metrics" -d 'The broker\'s counters (GET /metrics)'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand help; and not __fish_seen_subcommand_from pub sub bench status bridges brokers nodes endpoints clients subscriptions topic-tree retained config ctrl publish metrics token passwd acl log completions man help" -f -a "token" -d 'JSON Web Tokens for the HTTP API\'s `auth_type = "jwt"`'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand help; and not __fish_seen_subcommand_from pub sub bench status bridges brokers nodes endpoints clients subscriptions topic-tree retained config ctrl publish metrics token passwd acl log completions man help" -f -a "passwd" -d 'Add, change or remove a user in a password file (argon2id hashes)'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand help; and not __fish_seen_subcommand_from pub sub bench status bridges brokers nodes endpoints clients subscriptions topic-tree retained config ctrl publish metrics token passwd acl log completions man help" -f -a "acl" -d 'Ask the running broker\'s access-control rules'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand help; and not __fish_seen_subcommand_from pub sub bench status bridges brokers nodes endpoints clients subscriptions topic-tree retained config ctrl publish metrics token passwd acl log completions man help" -f -a "log" -d 'The broker\'s log level, shown or changed at run time'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand help; and not __fish_seen_subcommand_from pub sub bench status bridges brokers nodes endpoints clients subscriptions topic-tree retained config ctrl publish metrics token passwd acl log completions man help" -f -a "completions" -d 'Print a shell completion script'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand help; and not __fish_seen_subcommand_from pub sub bench status bridges brokers nodes endpoints clients subscriptions topic-tree retained config ctrl publish metrics token passwd acl log completions man help" -f -a "man" -d 'Print the man page (roff; `nanomq-cli man | man -l -`), or write every page (one per command) into DIR'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand help; and not __fish_seen_subcommand_from pub sub bench status bridges brokers nodes endpoints clients subscriptions topic-tree retained config ctrl publish metrics token passwd acl log completions man help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand help; and __fish_seen_subcommand_from bench" -f -a "pub" -d 'Publishers'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand help; and __fish_seen_subcommand_from bench" -f -a "sub" -d 'Subscribers, reporting throughput and end-to-end latency'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand help; and __fish_seen_subcommand_from bench" -f -a "conn" -d 'Connections that only keep alive (connect rate, memory per connection)'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand help; and __fish_seen_subcommand_from bridges" -f -a "list" -d 'Every bridge: address, state, counters'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand help; and __fish_seen_subcommand_from bridges" -f -a "show" -d 'One bridge in full: state since when, last error, forwards, subscriptions, counters'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand help; and __fish_seen_subcommand_from bridges" -f -a "create" -d 'Create a bridge (`[bridges.mqtt.NAME]`, written to the broker\'s file) and start it: its settings from a file (JSON or TOML, `-` for standard input) and/or as KEY=VALUE (`server=mqtt-tcp://emqx:1883`, `\'forwards=[{local_topic="site/#"}]\'`)'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand help; and __fish_seen_subcommand_from bridges" -f -a "update" -d 'Change a bridge\'s settings (those not given keep their values); it restarts'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand help; and __fish_seen_subcommand_from bridges" -f -a "delete" -d 'Remove a bridge (from the broker\'s file too)'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand help; and __fish_seen_subcommand_from bridges" -f -a "start" -d 'Start a stopped bridge (`enable = true`)'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand help; and __fish_seen_subcommand_from bridges" -f -a "stop" -d 'Stop a bridge (`enable = false`); what it holds waits for its next start'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand help; and __fish_seen_subcommand_from bridges" -f -a "sub" -d 'Subscribe a bridge upstream, on its running connection: messages of FILTER upstream are published here'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand help; and __fish_seen_subcommand_from bridges" -f -a "unsub" -d 'Unsubscribe a bridge upstream, on its running connection'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand help; and __fish_seen_subcommand_from clients" -f -a "list" -d 'List clients, filtered and paged as the API allows'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand help; and __fish_seen_subcommand_from clients" -f -a "show" -d 'Everything the broker knows about one client'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand help; and __fish_seen_subcommand_from clients" -f -a "kick" -d 'Disconnect a client and discard its session'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand help; and __fish_seen_subcommand_from subscriptions" -f -a "list" -d 'List subscriptions, filtered and paged as the API allows'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand help; and __fish_seen_subcommand_from subscriptions" -f -a "show" -d 'One client\'s subscriptions'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand help; and __fish_seen_subcommand_from retained" -f -a "list" -d 'List retained messages (topic, size, QoS, payload preview)'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand help; and __fish_seen_subcommand_from retained" -f -a "show" -d 'One retained message in full, with its properties'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand help; and __fish_seen_subcommand_from retained" -f -a "delete" -d 'Remove the message retained on a topic (nothing is published; to tell subscribers, publish an empty retained message instead)'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand help; and __fish_seen_subcommand_from config" -f -a "get" -d 'Show the configuration (as saved in the broker\'s file; --running for the live one)'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand help; and __fish_seen_subcommand_from config" -f -a "diff" -d 'The settings where the saved file and the running broker differ (saved changes not yet in force, and command-line overrides)'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand help; and __fish_seen_subcommand_from config" -f -a "set" -d 'Change settings from a file: JSON as in the API document, or TOML as in etc/nanomq.conf'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand help; and __fish_seen_subcommand_from config" -f -a "edit" -d 'Edit the configuration as TOML in $VISUAL or $EDITOR, then save it to the broker'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand help; and __fish_seen_subcommand_from ctrl" -f -a "stop" -d 'Stop the broker (its process exits)'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand help; and __fish_seen_subcommand_from ctrl" -f -a "restart" -d 'Restart the listeners on the re-read configuration file, and wait until it is back'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand help; and __fish_seen_subcommand_from ctrl" -f -a "reload" -d 'Apply the re-read configuration file without dropping a connection (POST /reload): prints what is now in force and what still needs `ctrl restart`'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand help; and __fish_seen_subcommand_from token" -f -a "create" -d 'Sign a JWT the broker accepts (`http_server.auth_type = "jwt"`), and print it'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand help; and __fish_seen_subcommand_from acl" -f -a "check" -d 'Which access-control rule of the running broker decides a publish or a subscribe'
complete -c nanomq-cli -n "__fish_nanomq_cli_using_subcommand help; and __fish_seen_subcommand_from log" -f -a "level" -d 'Show the broker\'s log level, or change it at run time (the configuration file is not changed: a restart or a reload goes back to the file\'s `log.level`)'
