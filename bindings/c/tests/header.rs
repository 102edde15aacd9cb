//! The committed C header is what cbindgen generates from the crate now.
//! `STRUCTREAM_BLESS=1 cargo test -p structream-c --test header` rewrites it.

use std::path::Path;

#[test]
fn the_committed_header_is_up_to_date() {
    let crate_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let config = cbindgen::Config::from_file(crate_dir.join("cbindgen.toml"))
        .expect("cbindgen.toml is readable");
    let mut generated = Vec::new();
    cbindgen::Builder::new()
        .with_config(config)
        .with_src(crate_dir.join("src/lib.rs"))
        .generate()
        .expect("cbindgen reads the crate")
        .write(&mut generated);
    let generated = String::from_utf8(generated).expect("the header is UTF-8");
    let path = crate_dir.join("include/structream.h");
    if std::env::var_os("STRUCTREAM_BLESS").is_some() {
        std::fs::write(&path, &generated).expect("include/structream.h is writable");
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "include/structream.h is out of date: run \
         `STRUCTREAM_BLESS=1 cargo test -p structream-c --test header` and commit it"
    );
}
