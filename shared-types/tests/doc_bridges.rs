//! The bridge configurations README.md and docs/bridging.md show are real: every TOML block
//! there reads as a configuration (no misspelt key), the full examples validate, and their
//! topic rules rename as the comments beside them say.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use shared_types::config::Config;
use shared_types::topic::{TopicRewrite, topic_matches};

fn toml_blocks(page: &str) -> Vec<String> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let text = std::fs::read_to_string(root.join(page)).unwrap();
    let mut blocks = Vec::new();
    let mut current: Option<String> = None;
    for line in text.lines() {
        match (&mut current, line.trim_start()) {
            (None, fence) if fence.starts_with("```toml") => current = Some(String::new()),
            (Some(block), "```") => {
                blocks.push(std::mem::take(block));
                current = None;
            }
            (Some(block), _) => {
                block.push_str(line);
                block.push('\n');
            }
            (None, _) => {}
        }
    }
    assert!(!blocks.is_empty(), "{page} has no TOML block");
    blocks
}

fn read(page: &str, block: &str) -> Config {
    toml::from_str(block).unwrap_or_else(|e| panic!("{page}: {e}\n{block}"))
}

/// The name `topic` gets going up (by the first forward matching it) or coming down (by the
/// first subscription), as the bridge applies them.
fn up(config: &Config, topic: &str) -> String {
    let bridge = &config.bridges.mqtt["cloud"];
    let rule = bridge
        .forwards
        .iter()
        .find(|f| topic_matches(&f.local_topic, topic))
        .unwrap();
    TopicRewrite::new(
        &rule.local_topic,
        &rule.remote_topic,
        &rule.prefix,
        &rule.suffix,
    )
    .unwrap()
    .apply(topic)
    .unwrap()
}

fn down(config: &Config, topic: &str) -> String {
    let bridge = &config.bridges.mqtt["cloud"];
    let rule = bridge
        .subscription
        .iter()
        .find(|s| topic_matches(&s.remote_topic, topic))
        .unwrap();
    TopicRewrite::new(
        &rule.remote_topic,
        &rule.local_topic,
        &rule.prefix,
        &rule.suffix,
    )
    .unwrap()
    .apply(topic)
    .unwrap()
}

#[test]
fn the_readme_scale_out_example_is_valid_and_renames_as_it_says() {
    let blocks = toml_blocks("README.md");
    let config = read("README.md", &blocks[0]);
    config.validate().unwrap();
    assert_eq!(config.bridges.mqtt["cloud"].servers().len(), 3, "failover");
    assert_eq!(
        up(&config, "sensors/room1/temp"),
        "site1/sensors/room1/temp"
    );
    assert_eq!(down(&config, "cmd/site1/reboot"), "cmd/reboot");
}

#[test]
fn every_bridging_page_block_reads_and_the_main_one_renames_as_it_says() {
    let blocks = toml_blocks("docs/bridging.md");
    for block in &blocks {
        read("docs/bridging.md", block);
    }
    let config = read("docs/bridging.md", &blocks[0]);
    config.validate().unwrap();
    assert_eq!(up(&config, "sensors/a/t"), "site1/sensors/a/t");
    assert_eq!(down(&config, "cmd/site1/fan/on"), "cmd/fan/on");
}
