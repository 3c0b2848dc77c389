#!/usr/bin/env python3
"""Interop checks with Eclipse paho-mqtt (an independent client) against a running broker.

Usage: paho_check.py HOST PORT
Exits non-zero with a message on the first failed check.
"""
import sys
import threading
import time

import paho.mqtt.client as mqtt
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties

HOST = sys.argv[1]
PORT = int(sys.argv[2])
TIMEOUT = 10.0


class Client:
    """A paho client whose received messages are queued for the checks."""

    def __init__(self, client_id, protocol, clean=True, will=None, props=None):
        self.messages = []
        self.cond = threading.Condition()
        self.connected = threading.Event()
        self.rc = None
        kwargs = {"client_id": client_id, "protocol": protocol}
        if protocol != mqtt.MQTTv5:
            kwargs["clean_session"] = clean
        self.c = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, **kwargs)
        self.c.on_connect = self._on_connect
        self.c.on_message = self._on_message
        if will:
            self.c.will_set(*will)
        connect_kwargs = {}
        if protocol == mqtt.MQTTv5:
            connect_kwargs["clean_start"] = clean
            if props is not None:
                connect_kwargs["properties"] = props
        self.c.connect(HOST, PORT, keepalive=30, **connect_kwargs)
        self.c.loop_start()
        if not self.connected.wait(TIMEOUT):
            fail(f"{client_id}: no CONNACK")

    def _on_connect(self, client, userdata, flags, reason_code, properties):
        self.rc = reason_code
        self.session_present = flags.session_present
        self.connect_properties = properties
        self.connected.set()

    def _on_message(self, client, userdata, msg):
        with self.cond:
            self.messages.append(msg)
            self.cond.notify_all()

    def subscribe(self, topic, qos=0, **kwargs):
        done = threading.Event()
        self.c.on_subscribe = lambda *a: done.set()
        self.c.subscribe(topic, qos, **kwargs)
        if not done.wait(TIMEOUT):
            fail(f"no SUBACK for {topic}")

    def publish(self, topic, payload, qos=0, retain=False, properties=None):
        info = self.c.publish(topic, payload, qos, retain, properties=properties)
        info.wait_for_publish(TIMEOUT)
        if not info.is_published():
            fail(f"publish to {topic} not acknowledged")

    def next(self):
        with self.cond:
            if not self.cond.wait_for(lambda: self.messages, TIMEOUT):
                fail("no message arrived")
            return self.messages.pop(0)

    def close(self):
        self.c.disconnect()
        self.c.loop_stop()


def fail(msg):
    print(f"FAIL: {msg}", file=sys.stderr)
    sys.exit(1)


def check(cond, msg):
    if not cond:
        fail(msg)


def qos_round_trip(protocol, tag):
    sub = Client(f"paho-sub-{tag}", protocol)
    sub.subscribe(f"paho/{tag}/#", 2)
    pub = Client(f"paho-pub-{tag}", protocol)
    for qos in (0, 1, 2):
        pub.publish(f"paho/{tag}/q{qos}", f"payload {qos}", qos)
        m = sub.next()
        check(m.topic == f"paho/{tag}/q{qos}", f"{tag}: topic {m.topic}")
        check(m.payload == f"payload {qos}".encode(), f"{tag}: payload {m.payload}")
        check(m.qos == qos, f"{tag}: qos {m.qos} != {qos}")
    sub.close()
    pub.close()
    print(f"ok: QoS 0/1/2 round trip ({tag})")


def retained_and_will():
    pub = Client("paho-retainer", mqtt.MQTTv311)
    pub.publish("paho/retained", "kept", 1, retain=True)
    late = Client("paho-late", mqtt.MQTTv311)
    late.subscribe("paho/retained", 1)
    m = late.next()
    check(m.retain and m.payload == b"kept", f"retained: {m.payload} retain={m.retain}")
    pub.publish("paho/retained", "", 1, retain=True)
    m = late.next()
    check(m.payload == b"" and not m.retain, "an empty retained publish is delivered live")
    pub.close()

    late.subscribe("paho/will", 1)
    dying = Client("paho-dying", mqtt.MQTTv311, will=("paho/will", "bye", 1, False))
    # Close the socket without DISCONNECT.
    dying.c.loop_stop()
    dying.c.socket().close()
    m = late.next()
    check(m.topic == "paho/will" and m.payload == b"bye", f"will: {m.topic} {m.payload}")
    late.close()
    print("ok: retained message and will")


def persistent_session():
    sub = Client("paho-durable", mqtt.MQTTv311, clean=False)
    sub.subscribe("paho/durable", 1)
    sub.close()
    pub = Client("paho-pub-durable", mqtt.MQTTv311)
    for i in range(3):
        pub.publish("paho/durable", f"m{i}", 1)
    pub.close()
    sub = Client("paho-durable", mqtt.MQTTv311, clean=False)
    check(sub.session_present, "session present after reconnect")
    got = [sub.next().payload for _ in range(3)]
    check(got == [b"m0", b"m1", b"m2"], f"queued messages: {got}")
    sub.close()
    print("ok: persistent session queues QoS 1 while away")


def v5_properties():
    sub = Client("paho-v5-sub", mqtt.MQTTv5)
    sub_props = Properties(PacketTypes.SUBSCRIBE)
    sub_props.SubscriptionIdentifier = 42
    sub.subscribe("paho/v5/props", 1, properties=sub_props)
    pub = Client("paho-v5-pub", mqtt.MQTTv5)
    props = Properties(PacketTypes.PUBLISH)
    props.UserProperty = [("k", "v"), ("k2", "v2")]
    props.ResponseTopic = "paho/v5/reply"
    props.CorrelationData = b"\x01\x02"
    props.ContentType = "text/plain"
    props.PayloadFormatIndicator = 1
    props.MessageExpiryInterval = 60
    pub.publish("paho/v5/props", "hello", 1, properties=props)
    m = sub.next()
    p = m.properties
    check(p.UserProperty == [("k", "v"), ("k2", "v2")], f"user properties {p.UserProperty}")
    check(p.ResponseTopic == "paho/v5/reply", "response topic")
    check(p.CorrelationData == b"\x01\x02", "correlation data")
    check(p.ContentType == "text/plain", "content type")
    check(p.PayloadFormatIndicator == 1, "payload format indicator")
    check(0 < p.MessageExpiryInterval <= 60, f"message expiry {p.MessageExpiryInterval}")
    check(p.SubscriptionIdentifier == [42], f"subscription identifier {p.SubscriptionIdentifier}")
    sub.close()
    pub.close()
    print("ok: MQTT 5 properties carried through")


def v5_no_local():
    c = Client("paho-v5-nolocal", mqtt.MQTTv5)
    from paho.mqtt.subscribeoptions import SubscribeOptions

    c.subscribe("paho/v5/nl", options=SubscribeOptions(qos=1, noLocal=True))
    c.publish("paho/v5/nl", "mine", 1)
    other = Client("paho-v5-other", mqtt.MQTTv5)
    other.publish("paho/v5/nl", "theirs", 1)
    m = c.next()
    check(m.payload == b"theirs", f"no local: got {m.payload}")
    c.close()
    other.close()
    print("ok: MQTT 5 No Local")


def main():
    qos_round_trip(mqtt.MQTTv311, "v311")
    qos_round_trip(mqtt.MQTTv5, "v5")
    qos_round_trip(mqtt.MQTTv31, "v31")
    retained_and_will()
    persistent_session()
    v5_properties()
    v5_no_local()
    print("paho-mqtt interop: all checks passed")


if __name__ == "__main__":
    main()
