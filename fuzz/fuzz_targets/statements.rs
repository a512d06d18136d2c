#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| settle_core::fuzz_checks::statements(data));
