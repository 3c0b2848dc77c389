#!/usr/bin/env python3
"""GET /api/v4/prometheus parsed by the Prometheus project's own Python parser
(prometheus_client): every family has the type it declares, NanoMQ's names are there with
NanoMQ's types, and the counts follow a real paho-mqtt client.

Usage: prometheus_check.py HTTP_HOST:PORT MQTT_HOST MQTT_PORT"""
import base64
import sys
import urllib.request

import paho.mqtt.client as mqtt
from prometheus_client.parser import text_string_to_metric_families

api, mqtt_host, mqtt_port = sys.argv[1], sys.argv[2], int(sys.argv[3])


def scrape():
    request = urllib.request.Request(f"http://{api}/api/v4/prometheus")
    token = base64.b64encode(b"admin:public").decode()
    request.add_header("Authorization", f"Basic {token}")
    with urllib.request.urlopen(request, timeout=10) as reply:
        assert reply.headers["Content-Type"].startswith("text/plain; version=0.0.4"), reply.headers
        text = reply.read().decode()
    values = {}
    for family in text_string_to_metric_families(text):
        assert family.type in ("counter", "gauge"), (family.name, family.type)
        for sample in family.samples:
            values[sample.name] = (family.type, sample.value)
    return values


client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id="prom-check")
client.connect(mqtt_host, mqtt_port)
client.loop_start()
subscribed = []
client.on_subscribe = lambda *args: subscribed.append(True)
client.subscribe("prom/#", 1)
for _ in range(100):
    if subscribed:
        break
    __import__("time").sleep(0.05)
assert subscribed, "no SUBACK"

values = scrape()
nanomq_names = {
    "nanomq_connections_count": "gauge",
    "nanomq_connections_max": "gauge",
    "nanomq_sessions_count": "gauge",
    "nanomq_sessions_max": "gauge",
    "nanomq_topics_count": "gauge",
    "nanomq_topics_max": "gauge",
    "nanomq_subscribers_count": "gauge",
    "nanomq_subscribers_max": "gauge",
    "nanomq_memory_usage": "gauge",
    "nanomq_memory_usage_max": "gauge",
    "nanomq_cpu_usage": "gauge",
    "nanomq_cpu_usage_max": "gauge",
    # prometheus_client names a counter's sample `_total` whatever the exposition says.
    "nanomq_messages_received_total": "counter",
    "nanomq_messages_sent_total": "counter",
    "nanomq_messages_dropped_total": "counter",
}
for name, kind in nanomq_names.items():
    assert name in values, f"{name} missing from {sorted(values)}"
    assert values[name][0] == kind, (name, values[name])
assert values["nanomq_connections_count"][1] >= 1, values["nanomq_connections_count"]
assert values["nanomq_subscribers_count"][1] >= 1, values["nanomq_subscribers_count"]
assert values["nanomq_memory_usage"][1] > 0
client.loop_stop()
client.disconnect()
print(f"interop: prometheus_client parsed {len(values)} samples, NanoMQ's names all there")
