//! The mailbox's policy, on the paused clock.

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;

use super::*;
use crate::message::{Message, Origin};

fn delivery() -> Delivery {
    Delivery {
        message: Arc::new(Message {
            id: 0,
            topic: Arc::from("t"),
            payload: Bytes::from_static(b"x"),
            qos: QoS::AtLeastOnce,
            retain: false,
            properties: None,
            expires_at: None,
            origin: Origin::Broker,
        }),
        qos: QoS::AtLeastOnce,
        retain: false,
        subscription_ids: Vec::new(),
        key: 0,
    }
}

const LIMITS: QueueLimits = QueueLimits {
    offline: 3,
    high_watermark: 4,
    low_watermark: 2,
    max_bytes: usize::MAX,
};

#[test]
fn online_queues_report_congestion_and_offline_queues_drop_the_oldest() {
    let mailbox = Mailbox::default();
    mailbox.set_online(true, &LIMITS, &mut Vec::new());
    let outcomes: Vec<Pushed> = (0..5).map(|_| mailbox.push(delivery(), &LIMITS)).collect();
    assert_eq!(outcomes[3], Pushed::Queued);
    assert_eq!(outcomes[4], Pushed::Congested);
    assert!(mailbox.is_congested());
    // Going away trims to `offline`, oldest first.
    assert_eq!(mailbox.set_online(false, &LIMITS, &mut Vec::new()), 2);
    assert_eq!(mailbox.len(), 3);
    assert_eq!(mailbox.push(delivery(), &LIMITS), Pushed::DroppedOldest);
    assert_eq!(mailbox.dropped(), 3);
    assert!(
        !mailbox.is_congested(),
        "an absent client never pauses publishers"
    );
}

#[tokio::test]
async fn every_paused_publisher_woken_by_a_drain_gets_its_turn() {
    let mailbox = Mailbox::default();
    mailbox.set_online(true, &LIMITS, &mut Vec::new());
    for _ in 0..5 {
        mailbox.push(delivery(), &LIMITS);
    }
    let first = mailbox.wait_for_space();
    let second = mailbox.wait_for_space();
    tokio::pin!(first, second);
    // Both publishers are waiting.
    assert!(futures_util::poll!(first.as_mut()).is_pending());
    assert!(futures_util::poll!(second.as_mut()).is_pending());
    // The subscriber drains under the low watermark: both are woken.
    let mut out = Vec::new();
    mailbox.pop_batch(3, 3, &mut out);
    assert!(futures_util::poll!(first.as_mut()).is_ready());
    // The first one fills the queue again before the second one runs...
    for _ in 0..3 {
        mailbox.push(delivery(), &LIMITS);
    }
    assert!(mailbox.is_congested());
    // ...and the second still gets its turn instead of waiting again.
    tokio::time::timeout(Duration::from_secs(1), second)
        .await
        .expect("the second publisher was starved");
}

const WIDE: QueueLimits = QueueLimits {
    offline: 10,
    high_watermark: 1000,
    low_watermark: 500,
    max_bytes: usize::MAX,
};

fn congested_mailbox() -> Mailbox {
    let mailbox = Mailbox::default();
    mailbox.set_online(true, &WIDE, &mut Vec::new());
    for _ in 0..WIDE.high_watermark {
        assert_eq!(mailbox.push(delivery(), &WIDE), Pushed::Queued);
    }
    assert_eq!(mailbox.push(delivery(), &WIDE), Pushed::Congested);
    mailbox
}

#[tokio::test(start_paused = true)]
async fn a_client_that_takes_nothing_is_shed_after_one_window() {
    let mailbox = congested_mailbox();
    let started = tokio::time::Instant::now();
    mailbox.wait_for_space().await;
    assert_eq!(
        started.elapsed(),
        PROGRESS_WINDOW,
        "held one window, no more"
    );
    assert!(!mailbox.is_congested(), "a shed client holds nobody back");
    // Its queue is capped at the high watermark, oldest first, and the drops counted.
    let len = mailbox.len();
    assert_eq!(mailbox.push(delivery(), &WIDE), Pushed::DroppedOldest);
    assert_eq!(mailbox.len(), len);
    assert_eq!(mailbox.dropped(), 1);
    // Once it drains under the low watermark, it is back to backpressure.
    let mut out = Vec::new();
    mailbox.pop_batch(600, 600, &mut out);
    for _ in 0..600 {
        mailbox.push(delivery(), &WIDE);
    }
    assert!(mailbox.is_congested());
    assert_eq!(mailbox.dropped(), 1);
}

#[tokio::test(start_paused = true)]
async fn a_client_that_keeps_taking_holds_its_publishers_until_it_drains() {
    let mailbox = congested_mailbox();
    let wait = mailbox.wait_for_space();
    tokio::pin!(wait);
    let mut out = Vec::new();
    // Enough progress in every window: the publisher keeps waiting, nothing is dropped.
    for _ in 0..12 {
        assert!(futures_util::poll!(wait.as_mut()).is_pending());
        out.clear();
        mailbox.pop_batch(35, 35, &mut out);
        tokio::time::advance(PROGRESS_WINDOW).await;
    }
    assert!(futures_util::poll!(wait.as_mut()).is_pending());
    assert_eq!(mailbox.dropped(), 0);
    // Draining under the low watermark releases it.
    out.clear();
    mailbox.pop_batch(100, 100, &mut out);
    assert!(futures_util::poll!(wait.as_mut()).is_ready());
}

#[tokio::test(start_paused = true)]
async fn a_trickling_client_is_shed_too() {
    let mailbox = congested_mailbox();
    let wait = mailbox.wait_for_space();
    tokio::pin!(wait);
    let mut out = Vec::new();
    assert!(futures_util::poll!(wait.as_mut()).is_pending());
    mailbox.pop_batch(1, 1, &mut out);
    tokio::time::advance(PROGRESS_WINDOW).await;
    assert!(futures_util::poll!(wait.as_mut()).is_ready());
    assert!(!mailbox.is_congested());
}

#[test]
fn a_source_that_cannot_wait_never_takes_a_queue_over_its_bound() {
    let mailbox = Mailbox::default();
    mailbox.set_online(true, &LIMITS, &mut Vec::new());
    let mut keys = Vec::new();
    for _ in 0..LIMITS.high_watermark {
        assert_eq!(
            mailbox.push_dropping(delivery(), &LIMITS, false, &mut keys),
            Pushed::Queued
        );
    }
    for _ in 0..100 {
        assert_eq!(
            mailbox.push_dropping(delivery(), &LIMITS, false, &mut keys),
            Pushed::DroppedNewest
        );
    }
    assert_eq!(mailbox.len(), LIMITS.high_watermark);
    assert_eq!(mailbox.dropped(), 100);
    // A client publisher is still told to pause, and nothing of its is dropped.
    assert_eq!(mailbox.push(delivery(), &LIMITS), Pushed::Congested);
}

#[test]
fn bytes_bound_a_queue_as_messages_do() {
    let limits = QueueLimits {
        max_bytes: 10,
        ..WIDE
    };
    let mailbox = Mailbox::default();
    mailbox.set_online(true, &limits, &mut Vec::new());
    // Each delivery costs 2 bytes (topic "t", payload "x").
    for _ in 0..5 {
        assert_eq!(mailbox.push(delivery(), &limits), Pushed::Queued);
    }
    assert_eq!(mailbox.push(delivery(), &limits), Pushed::Congested);
    assert!(mailbox.is_congested());
    let mut out = Vec::new();
    mailbox.pop_batch(2, 2, &mut out);
    assert!(mailbox.is_congested(), "8 bytes: still over half");
    out.clear();
    mailbox.pop_batch(2, 2, &mut out);
    assert!(
        !mailbox.is_congested(),
        "under half the bytes: publishers resume"
    );
    // Away, the oldest go to make room.
    mailbox.set_online(false, &limits, &mut Vec::new());
    for _ in 0..10 {
        mailbox.push(delivery(), &limits);
    }
    assert_eq!(mailbox.len(), 5);
}
