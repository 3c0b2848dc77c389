//! The log engine against reopening, damage, torn tails and compaction.

use super::*;

fn dump(engine: &LogEngine, table: Table) -> Vec<(Vec<u8>, Vec<u8>)> {
    let mut out = Vec::new();
    engine
        .scan(table, &mut |k, v| out.push((k.to_vec(), v.to_vec())))
        .unwrap();
    out
}

fn write(engine: &mut LogEngine, f: impl Fn(&mut dyn Txn) -> Result<(), EngineError>) {
    engine.transact(true, &mut |txn| f(txn)).unwrap();
}

#[test]
fn what_is_written_reads_back_across_reopening() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("store.log");
    let big = vec![7u8; 10_000];
    {
        let mut engine = LogEngine::open(&path).unwrap();
        write(&mut engine, |t| {
            t.put(Table::Messages, b"m1", &big)?;
            t.put(Table::Deliveries, b"c\x001", b"d1")?;
            t.put(Table::Deliveries, b"c\x002", b"d2")?;
            t.put(Table::Deliveries, b"x\x001", b"d3")?;
            Ok(())
        });
        engine
            .transact(true, &mut |t| {
                assert_eq!(t.remove(Table::Messages, b"m1")?, Some(big.clone()));
                t.put(Table::Messages, b"m2", &big)?;
                assert_eq!(
                    t.remove(Table::Messages, b"m2")?,
                    Some(big.clone()),
                    "same txn"
                );
                assert_eq!(t.remove_prefix(Table::Deliveries, b"c\x00")?.len(), 2);
                t.put(Table::Retained, b"r", &big)?;
                Ok(())
            })
            .unwrap();
        assert!(matches!(LogEngine::open(&path), Err(OpenError::InUse(_))));
    }
    let engine = LogEngine::open(&path).unwrap();
    assert_eq!(engine.damaged(), 0);
    assert!(dump(&engine, Table::Messages).is_empty());
    assert_eq!(
        dump(&engine, Table::Deliveries),
        [(b"x\x001".to_vec(), b"d3".to_vec())]
    );
    assert_eq!(dump(&engine, Table::Retained), [(b"r".to_vec(), big)]);
}

fn filled(path: &Path, n: u32) {
    let mut engine = LogEngine::open(path).unwrap();
    for i in 0..n {
        write(&mut engine, |t| {
            t.put(Table::Deliveries, &i.to_be_bytes(), &[9u8; 100])
        });
    }
}

#[test]
fn damage_costs_only_what_it_touches() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("store.log");
    filled(&path, 2000);
    let mut bytes = std::fs::read(&path).unwrap();
    let len = bytes.len();
    for k in 0..16 {
        bytes[(k * 7919 + 13) * len / (16 * 7919 + 100)] ^= 0x40;
    }
    // And the last 4 KiB cut off.
    bytes.truncate(len - 4096);
    std::fs::write(&path, &bytes).unwrap();
    let engine = LogEngine::open(&path).unwrap();
    let survived = dump(&engine, Table::Deliveries).len();
    assert!(
        engine.damaged() >= 1 && engine.damaged() <= 16,
        "{}",
        engine.damaged()
    );
    assert!(
        survived >= 2000 - 16 - 4096 / 120 - 1,
        "{survived} of 2000 read back"
    );
    let aside = std::fs::read_dir(dir.path())
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .file_name()
                .to_string_lossy()
                .contains("damaged")
        })
        .count();
    assert_eq!(aside, 1, "the damaged file is kept aside");
    drop(engine);
    let again = LogEngine::open(&path).unwrap();
    assert_eq!(again.damaged(), 0, "what was rewritten is whole");
    assert_eq!(dump(&again, Table::Deliveries).len(), survived);
}

#[test]
fn a_transaction_cut_short_is_dropped_whole() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("store.log");
    let mut engine = LogEngine::open(&path).unwrap();
    write(&mut engine, |t| t.put(Table::Sessions, b"a", b"1"));
    write(&mut engine, |t| {
        t.put(Table::Sessions, b"b", b"2")?;
        t.put(Table::Sessions, b"c", b"3")
    });
    drop(engine);
    let len = std::fs::metadata(&path).unwrap().len();
    let file = OpenOptions::new().write(true).open(&path).unwrap();
    file.set_len(len - 3).unwrap();
    let mut engine = LogEngine::open(&path).unwrap();
    assert_eq!(engine.damaged(), 0, "a torn tail is no damage");
    assert_eq!(
        dump(&engine, Table::Sessions),
        [(b"a".to_vec(), b"1".to_vec())]
    );
    write(&mut engine, |t| t.put(Table::Sessions, b"d", b"4"));
    drop(engine);
    let engine = LogEngine::open(&path).unwrap();
    assert_eq!(
        dump(&engine, Table::Sessions).len(),
        2,
        "written after the cut"
    );
}

#[test]
fn compaction_keeps_the_live_entries_only() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("store.log");
    let mut engine = LogEngine::open(&path).unwrap();
    let value = vec![1u8; 4096];
    for round in 0..10_000u32 {
        engine
            .transact(false, &mut |t| {
                t.put(Table::Retained, &(round % 10).to_be_bytes(), &value)
            })
            .unwrap();
    }
    assert!(engine.size() < COMPACT_MIN + (1 << 20), "{}", engine.size());
    drop(engine);
    let engine = LogEngine::open(&path).unwrap();
    assert_eq!(dump(&engine, Table::Retained).len(), 10);
}

#[test]
fn a_file_that_cannot_be_opened_is_an_error_that_names_it() {
    let dir = tempfile::tempdir().unwrap();
    let error = LogEngine::open(dir.path()).unwrap_err();
    assert!(matches!(error, OpenError::Unusable { .. }), "{error}");
    assert!(
        error
            .to_string()
            .contains(&dir.path().display().to_string())
    );
}

#[test]
fn reclaiming_compacts_only_when_enough_is_dead() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("store.log");
    let mut engine = LogEngine::open(&path).unwrap();
    let value = vec![1u8; 1000];
    for round in 0..3000u32 {
        engine
            .transact(false, &mut |t| {
                t.put(Table::Retained, &(round % 3).to_be_bytes(), &value)
            })
            .unwrap();
    }
    let before = engine.size();
    assert!(before > 2 << 20, "{before}");
    engine.reclaim().unwrap();
    assert!(engine.size() < 10_000, "{}", engine.size());
    let after = engine.size();
    engine.reclaim().unwrap();
    assert_eq!(engine.size(), after, "nothing dead: nothing done");
}
