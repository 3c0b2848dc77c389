//! The bridge's subscriptions upstream, live: taken after every connection, and changed on the
//! running connection when the API adds or removes one (`POST /bridges/sub/{name}`,
//! `/unsub/{name}`) — a SUBSCRIBE for what is new or changed, an UNSUBSCRIBE for what is gone,
//! no reconnection. The rules also decide how upstream messages are renamed locally, so they
//! change together.

use tracing::{info, warn};

use super::link::Link;
use super::options::SubscribeRule;
use crate::codec::{Packet, PacketId, SubAck, Subscribe, SubscribeFilter, Unsubscribe};

impl Link<'_> {
    /// A packet identifier free for a PUBLISH, SUBSCRIBE or UNSUBSCRIBE: none in flight, none
    /// awaiting its SUBACK or UNSUBACK.
    pub(super) fn next_packet_id(&mut self) -> PacketId {
        loop {
            let id = self.carried.outbox.inflight.next_packet_id();
            if !self.pending_subs.by_packet.contains_key(&id) {
                return id;
            }
        }
    }

    /// After each connection: unsubscribes from what the upstream may still hold for a
    /// persistent session and the rules no longer ask for, then subscribes to every rule,
    /// with No Local for MQTT 5 so that what the bridge forwards does not come back.
    pub(super) fn subscribe_upstream(&mut self) {
        let filters: Vec<SubscribeFilter> = self
            .carried
            .subscriptions
            .iter()
            .map(|rule| rule.filter.clone())
            .collect();
        if self.limits.session_present {
            let stale: Vec<String> = self
                .carried
                .upstream_filters
                .iter()
                .filter(|old| !filters.iter().any(|f| f.filter == **old))
                .cloned()
                .collect();
            self.send_unsubscribe(stale);
        }
        self.carried.upstream_filters = filters.iter().map(|f| f.filter.clone()).collect();
        self.send_subscribe(filters);
    }

    fn send_unsubscribe(&mut self, filters: Vec<String>) {
        if filters.is_empty() {
            return;
        }
        info!(filters = ?filters, "bridge: unsubscribing upstream");
        let packet_id = self.next_packet_id();
        self.pending_subs.by_packet.insert(packet_id, Vec::new());
        let packet = Unsubscribe {
            packet_id,
            filters,
            properties: Default::default(),
        };
        self.write_packet(&Packet::Unsubscribe(packet));
    }

    /// An UNSUBACK: its identifier is free again.
    pub(super) fn on_unsuback(&mut self, packet_id: PacketId) {
        self.pending_subs.by_packet.remove(&packet_id);
    }

    fn send_subscribe(&mut self, filters: Vec<SubscribeFilter>) {
        if filters.is_empty() {
            return;
        }
        let packet_id = self.next_packet_id();
        self.pending_subs.by_packet.insert(
            packet_id,
            filters.iter().map(|f| f.filter.clone()).collect(),
        );
        let subscribe = Subscribe {
            packet_id,
            filters,
            properties: Default::default(),
        };
        self.write_packet(&Packet::Subscribe(subscribe));
    }

    /// The rules changed while connected: subscribes to what is new or changed, unsubscribes
    /// from what is gone, and renames by the new rules from now on.
    pub(super) fn change_subscriptions(&mut self, rules: Vec<SubscribeRule>) {
        let (subscribe, unsubscribe) = difference(&self.carried.subscriptions, &rules);
        self.carried.upstream_filters = rules.iter().map(|r| r.filter.filter.clone()).collect();
        self.carried.subscriptions = rules;
        self.send_unsubscribe(unsubscribe);
        if !subscribe.is_empty() {
            info!(
                filters = ?subscribe.iter().map(|f| &f.filter).collect::<Vec<_>>(),
                "bridge: subscribing upstream"
            );
            self.send_subscribe(subscribe);
        }
    }

    /// Logs the filters a SUBACK refuses.
    pub(super) fn on_suback(&mut self, suback: &SubAck) {
        let Some(filters) = self.pending_subs.by_packet.remove(&suback.packet_id) else {
            return;
        };
        for (reason, filter) in suback.reasons.iter().zip(filters) {
            if reason.is_error() {
                warn!(
                    filter = %filter,
                    reason = reason.0,
                    "bridge: upstream refused a subscription"
                );
            }
        }
    }
}

/// What to subscribe to (new filters, or ones whose options changed) and unsubscribe from
/// (filters no longer in `new`) to go from `old` to `new`.
fn difference(old: &[SubscribeRule], new: &[SubscribeRule]) -> (Vec<SubscribeFilter>, Vec<String>) {
    let subscribe = new
        .iter()
        .filter(|rule| !old.iter().any(|o| o.filter == rule.filter))
        .map(|rule| rule.filter.clone())
        .collect();
    let unsubscribe = old
        .iter()
        .filter(|o| !new.iter().any(|rule| rule.filter.filter == o.filter.filter))
        .map(|o| o.filter.filter.clone())
        .collect();
    (subscribe, unsubscribe)
}

#[cfg(test)]
mod tests {
    use shared_types::topic::TopicRewrite;

    use super::*;
    use crate::codec::{QoS, RetainHandling, SubscriptionOptions};

    fn rule(filter: &str, qos: QoS) -> SubscribeRule {
        SubscribeRule {
            filter: SubscribeFilter {
                filter: filter.into(),
                options: SubscriptionOptions {
                    qos,
                    no_local: true,
                    retain_as_published: false,
                    retain_handling: RetainHandling::SendAtSubscribe,
                },
            },
            rewrite: TopicRewrite::new(filter, "", "", "").unwrap(),
            retain: None,
        }
    }

    #[test]
    fn subscribes_to_what_is_new_or_changed_and_drops_what_is_gone() {
        let old = [rule("a/#", QoS::AtMostOnce), rule("b/#", QoS::AtLeastOnce)];
        let new = [rule("a/#", QoS::AtLeastOnce), rule("c/#", QoS::AtMostOnce)];
        let (subscribe, unsubscribe) = difference(&old, &new);
        let names: Vec<&str> = subscribe.iter().map(|f| f.filter.as_str()).collect();
        assert_eq!(names, ["a/#", "c/#"]);
        assert_eq!(unsubscribe, ["b/#"]);
        let (subscribe, unsubscribe) = difference(&new, &new);
        assert!(subscribe.is_empty() && unsubscribe.is_empty());
    }
}
