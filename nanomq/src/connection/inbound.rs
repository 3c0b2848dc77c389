//! Packets from the client: PUBLISH and its acknowledgements, SUBSCRIBE, UNSUBSCRIBE, PINGREQ,
//! DISCONNECT. Anything a client must not send ends the connection with a protocol error.

use std::sync::Arc;

use tokio::time::Instant;

use tokio::io::{AsyncRead, AsyncWrite};
use tracing::debug;

use super::Connection;
use super::close::Exit;
use crate::codec::{
    AckKind, AckProperties, Disconnect, Packet, PacketId, ProtocolVersion, Publish, QoS,
    ReasonCode, SubAck, Subscribe, UnsubAck, Unsubscribe,
};

use crate::message::{Delivery, Message, Origin};
use crate::session::inflight::AckOutcome;

impl<S: AsyncRead + AsyncWrite + Unpin> Connection<S> {
    /// Handles one packet from the client.
    pub(super) fn handle_packet(&mut self, packet: Packet) -> Result<(), Exit> {
        match packet {
            Packet::Publish(publish) => self.on_publish(publish),
            Packet::PubAck(ack) => {
                if let AckOutcome::Completed(key) = self.state.on_puback(ack.packet_id) {
                    self.broker.acknowledged(&self.session, ack.packet_id, key);
                }
                Ok(())
            }
            Packet::PubRec(rec) => {
                let now = Instant::now();
                // A refusing PUBREC ends the exchange: for the store, that is an
                // acknowledgement too (the message is not to be sent again).
                match self
                    .state
                    .on_pubrec(rec.packet_id, rec.reason.is_error(), now)
                {
                    AckOutcome::Release(key) => {
                        self.broker.released(&self.session, key, rec.packet_id);
                        self.write_ack(AckKind::PubRel, rec.packet_id, ReasonCode::SUCCESS);
                    }
                    AckOutcome::Unknown => self.write_ack(
                        AckKind::PubRel,
                        rec.packet_id,
                        ReasonCode::PACKET_IDENTIFIER_NOT_FOUND,
                    ),
                    AckOutcome::Completed(key) => {
                        self.broker.acknowledged(&self.session, rec.packet_id, key);
                    }
                }
                Ok(())
            }
            Packet::PubRel(rel) => {
                let reason = if self.state.release_qos2(rel.packet_id) {
                    // PUBCOMP once the id is released on disk: a duplicate is never again
                    // taken for a new message, nor a new message for a duplicate.
                    let ticket = self
                        .broker
                        .qos2_from_client(&self.session, rel.packet_id, false);
                    self.hold(ticket);
                    ReasonCode::SUCCESS
                } else {
                    ReasonCode::PACKET_IDENTIFIER_NOT_FOUND
                };
                self.write_ack(AckKind::PubComp, rel.packet_id, reason);
                Ok(())
            }
            Packet::PubComp(comp) => {
                if let AckOutcome::Completed(key) = self.state.on_pubcomp(comp.packet_id) {
                    self.broker.acknowledged(&self.session, comp.packet_id, key);
                }
                Ok(())
            }
            Packet::Subscribe(subscribe) => {
                self.check_property_count(subscribe.properties.user_properties.len())?;
                self.on_subscribe(subscribe)
            }
            Packet::Unsubscribe(unsubscribe) => {
                self.on_unsubscribe(unsubscribe);
                Ok(())
            }
            Packet::PingReq => {
                self.write_packet(&Packet::PingResp);
                Ok(())
            }
            Packet::Disconnect(disconnect) => Err(self.on_disconnect(disconnect)),
            other => {
                debug!(
                    packet = other.kind().name(),
                    "packet a client must not send"
                );
                Err(Exit::ProtocolError(ReasonCode::PROTOCOL_ERROR))
            }
        }
    }

    fn on_publish(&mut self, mut publish: Publish) -> Result<(), Exit> {
        self.check_property_count(publish.properties.user_properties.len())?;
        // Subscription Identifiers are the server's to add [MQTT-3.3.4-6].
        if !publish.properties.subscription_identifiers.is_empty() {
            debug!("PUBLISH from a client carries a Subscription Identifier");
            return Err(Exit::ProtocolError(ReasonCode::PROTOCOL_ERROR));
        }
        if let Some(alias) = publish.properties.topic_alias {
            // The maximum this connection announced in its CONNACK (`max_topic_alias`).
            if alias == 0 || alias > self.settings.max_topic_alias {
                return Err(Exit::ProtocolError(ReasonCode::TOPIC_ALIAS_INVALID));
            }
            if publish.topic.is_empty() {
                match self.aliases.as_ref().and_then(|a| a.inbound.get(&alias)) {
                    Some(topic) => publish.topic = Arc::clone(topic),
                    None => return Err(Exit::ProtocolError(ReasonCode::PROTOCOL_ERROR)),
                }
            } else {
                let aliases = self.aliases.get_or_insert_with(Box::default);
                let topic = Arc::clone(&publish.topic);
                let replaced = aliases.inbound.insert(alias, topic).map_or(0, |t| t.len());
                aliases.inbound_bytes = aliases.inbound_bytes - replaced + publish.topic.len();
                if aliases.inbound_bytes > super::ALIAS_BYTES {
                    debug!(
                        bytes = aliases.inbound_bytes,
                        "topic aliases over their byte budget"
                    );
                    return Err(Exit::ProtocolError(ReasonCode::QUOTA_EXCEEDED));
                }
            }
        }
        // Before the message is held or routed: a refusal is answered at once.
        match self
            .broker
            .check_publish(&mut self.live, &self.identity, &publish.topic)
        {
            Ok(()) => {}
            Err(ReasonCode::TOPIC_NAME_INVALID) => {
                return Err(Exit::ProtocolError(ReasonCode::TOPIC_NAME_INVALID));
            }
            Err(reason) => {
                debug!(topic = %publish.topic, reason = reason.0, "PUBLISH refused");
                self.refuse_publish(&publish, reason);
                return self.after_denial(reason);
            }
        }
        if self.version == ProtocolVersion::V5 && publish.qos != QoS::AtMostOnce {
            let waiting = self.state.pending_qos2()
                + self
                    .stash
                    .iter()
                    .filter(|p| p.qos != QoS::AtMostOnce)
                    .count();
            if waiting >= usize::from(self.settings.window) {
                return Err(Exit::ProtocolError(ReasonCode::RECEIVE_MAXIMUM_EXCEEDED));
            }
        }
        if self.paused.is_empty() {
            self.route_publish(publish)?;
        } else {
            self.stash.push_back(publish);
        }
        Ok(())
    }

    /// Answers a PUBLISH that is not delivered: MQTT 5 clients get `reason` in PUBACK or
    /// PUBREC (which ends a QoS 2 exchange); MQTT 3.x has no way to say no, so the message
    /// is acknowledged as usual (the client would otherwise resend it for ever) and dropped.
    fn refuse_publish(&mut self, publish: &Publish, reason: ReasonCode) {
        self.counters.messages_in += 1;
        self.counters.dropped += 1;
        let Some(id) = publish.packet_id else {
            return;
        };
        if self.version == ProtocolVersion::V5 {
            let kind = match publish.qos {
                QoS::ExactlyOnce => AckKind::PubRec,
                _ => AckKind::PubAck,
            };
            self.write_ack(kind, id, reason);
            return;
        }
        match publish.qos {
            QoS::ExactlyOnce => {
                if self.state.receive_qos2(id) {
                    let ticket = self.broker.qos2_from_client(&self.session, id, true);
                    self.hold(ticket);
                }
                self.write_ack(AckKind::PubRec, id, ReasonCode::SUCCESS);
            }
            _ => self.write_ack(AckKind::PubAck, id, ReasonCode::SUCCESS),
        }
    }

    /// `property_size` bounds the user properties a client may put on one packet (they are
    /// kept with every copy of a message); more is refused with "implementation specific
    /// error" (0x83).
    fn check_property_count(&self, count: usize) -> Result<(), Exit> {
        if count > self.settings.max_user_properties {
            debug!(
                count,
                max = self.settings.max_user_properties,
                "too many user properties"
            );
            return Err(Exit::ProtocolError(
                ReasonCode::IMPLEMENTATION_SPECIFIC_ERROR,
            ));
        }
        Ok(())
    }

    /// Routes the stashed PUBLISH packets until routing pauses again.
    pub(super) fn drain_stash(&mut self) -> Result<(), Exit> {
        while self.paused.is_empty() {
            let Some(publish) = self.stash.pop_front() else {
                break;
            };
            self.route_publish(publish)?;
        }
        Ok(())
    }

    /// Delivers one PUBLISH from the client and acknowledges it. A 3.x client has no way to
    /// be refused: a retained message the limits refuse goes out unretained, and one the
    /// store has no room for ends the connection unacknowledged (the client sends it again).
    pub(super) fn route_publish(&mut self, publish: Publish) -> Result<(), Exit> {
        self.counters.messages_in += 1;
        self.session
            .stats
            .recv_msg
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let qos = publish.qos;
        let packet_id = publish.packet_id;
        if qos == QoS::ExactlyOnce
            && let Some(id) = packet_id
        {
            if !self.state.receive_qos2(id) {
                // A resent QoS 2 message already delivered: acknowledge, do not deliver again.
                self.write_ack(AckKind::PubRec, id, ReasonCode::SUCCESS);
                return Ok(());
            }
            let ticket = self.broker.qos2_from_client(&self.session, id, true);
            self.hold(ticket);
        }
        let message =
            Message::from_publish(publish, Origin::Client(self.session.id), Instant::now());
        let size = message.topic.len() + message.payload.len();
        let v5 = self.version == ProtocolVersion::V5;
        let routed = if v5 {
            self.broker.publish(
                &mut self.live,
                &self.identity,
                message,
                Some(&mut self.paused),
            )
        } else {
            self.broker.publish_unretained_if_refused(
                &mut self.live,
                &self.identity,
                message,
                Some(&mut self.paused),
            )
        };
        let outcome = match routed {
            Ok(outcome) => outcome,
            Err(refused) => {
                let reason = refused.reason;
                // Refused by a limit, or checked as it arrived and the rules changed since.
                self.counters.dropped += 1;
                let unacknowledged = !v5 && reason == ReasonCode::QUOTA_EXCEEDED;
                if (v5 || unacknowledged)
                    && qos == QoS::ExactlyOnce
                    && let Some(id) = packet_id
                {
                    // No PUBREL will free the id (a refusing PUBREC ends the exchange; a 3.x
                    // client sends the message again as new).
                    self.state.release_qos2(id);
                    let ticket = self.broker.qos2_from_client(&self.session, id, false);
                    self.hold(ticket);
                }
                if unacknowledged && qos != QoS::AtMostOnce {
                    return Err(Exit::ProtocolError(ReasonCode::QUOTA_EXCEEDED));
                }
                self.answer_publish(qos, packet_id, reason);
                return Ok(());
            }
        };
        if !outcome.ticket.is_none() {
            self.undurable_bytes += size;
        }
        self.hold(outcome.ticket);
        let reason = if outcome.delivered == 0 {
            ReasonCode::NO_MATCHING_SUBSCRIBERS
        } else {
            ReasonCode::SUCCESS
        };
        self.answer_publish(qos, packet_id, reason);
        Ok(())
    }

    /// PUBACK or PUBREC for a routed (or refused) message; 3.x acknowledgements carry no
    /// reason, so a refusal is acknowledged as a success there.
    fn answer_publish(&mut self, qos: QoS, packet_id: Option<PacketId>, reason: ReasonCode) {
        match (qos, packet_id) {
            (QoS::AtLeastOnce, Some(id)) => self.write_ack(AckKind::PubAck, id, reason),
            (QoS::ExactlyOnce, Some(id)) => self.write_ack(AckKind::PubRec, id, reason),
            _ => {}
        }
    }

    /// With `auth.deny_action = "disconnect"`, a client denied something is disconnected
    /// (MQTT 5: DISCONNECT 0x87), once it has its answer.
    fn after_denial(&self, reason: ReasonCode) -> Result<(), Exit> {
        if reason == ReasonCode::NOT_AUTHORIZED && self.broker.denial_disconnects() {
            return Err(Exit::ProtocolError(ReasonCode::NOT_AUTHORIZED));
        }
        Ok(())
    }

    fn on_subscribe(&mut self, subscribe: Subscribe) -> Result<(), Exit> {
        let identifier = subscribe.properties.subscription_identifier;
        let mut reasons = Vec::with_capacity(subscribe.filters.len());
        let mut retained = Vec::new();
        for entry in &subscribe.filters {
            let subscribed =
                self.broker
                    .subscribe(&self.identity, &self.session, entry, identifier);
            reasons.push(subscribed.reason);
            self.hold(subscribed.ticket);
            let qos = entry.options.qos;
            retained.extend(subscribed.retained.into_iter().map(|m| (m, qos)));
        }
        let denied = reasons.contains(&ReasonCode::NOT_AUTHORIZED);
        let suback = SubAck {
            packet_id: subscribe.packet_id,
            reasons,
            properties: AckProperties::default(),
        };
        self.write_packet(&Packet::SubAck(suback));
        if denied {
            self.after_denial(ReasonCode::NOT_AUTHORIZED)?;
        }
        for (message, qos) in retained {
            let delivery = Delivery {
                qos: message.qos.min(qos),
                retain: true,
                subscription_ids: identifier.into_iter().collect(),
                key: 0,
                message,
            };
            // Our own queue: reading stops until it drains (a client that subscribes
            // over and over without reading would otherwise queue without bound).
            if self.session.mailbox.push(delivery, &self.settings.queue)
                == crate::session::mailbox::Pushed::Congested
                && !self.self_congested
            {
                self.self_congested = true;
                self.paused.push(Arc::clone(&self.session));
            }
        }
        Ok(())
    }

    fn on_unsubscribe(&mut self, unsubscribe: Unsubscribe) {
        let mut reasons = Vec::with_capacity(unsubscribe.filters.len());
        for filter in &unsubscribe.filters {
            let (reason, ticket) = self.broker.unsubscribe(&self.session, filter);
            self.hold(ticket);
            reasons.push(reason);
        }
        let unsuback = UnsubAck {
            packet_id: unsubscribe.packet_id,
            reasons,
            properties: AckProperties::default(),
        };
        self.write_packet(&Packet::UnsubAck(unsuback));
    }

    fn on_disconnect(&mut self, disconnect: Disconnect) -> Exit {
        if let Some(expiry) = disconnect.properties.session_expiry_interval {
            if self.expiry_interval == 0 && expiry != 0 {
                // [MQTT-3.14.2-2]
                return Exit::ProtocolError(ReasonCode::PROTOCOL_ERROR);
            }
            self.expiry_interval = expiry;
            self.session.update_details(|d| d.expiry_interval = expiry);
        }
        // Only "normal disconnection" (0x00) deletes the will [MQTT-3.14.4-3]: 0x04 asks for
        // it, and an error reason means the client did not end cleanly.
        Exit::ClientDisconnect {
            with_will: disconnect.reason != ReasonCode::NORMAL_DISCONNECTION,
        }
    }

    /// Appends a packet to the output buffer.
    pub(super) fn write_packet(&mut self, packet: &Packet) {
        if !self.output.push_packet(packet, self.version) {
            debug!(kind = packet.kind().name(), "could not encode packet");
        }
    }

    /// Appends a PUBACK, PUBREC, PUBREL or PUBCOMP to the output buffer.
    pub(super) fn write_ack(&mut self, kind: AckKind, packet_id: PacketId, reason: ReasonCode) {
        self.write_packet(&Packet::ack(kind, packet_id, reason));
    }
}
