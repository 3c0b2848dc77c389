//! The configuration on arbitrary text: as a TOML file (`nanomq start --conf`, `nanomq
//! check`) and as the JSON `data` of `POST /configuration` merged over the defaults. It must
//! never panic, and a configuration that passes must survive a save and a reload unchanged.
#![no_main]

use libfuzzer_sys::fuzz_target;
use shared_types::config::Config;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(config) = nanomq::config::parse(text) {
        let saved = config
            .to_toml_string()
            .expect("a valid configuration serializes");
        let reloaded = nanomq::config::parse(&saved).expect("what is saved loads again");
        assert_eq!(reloaded, config);
    }
    if let Ok(patch) = serde_json::from_str::<serde_json::Value>(text) {
        let _ = Config::default().merged(&patch);
    }
});
