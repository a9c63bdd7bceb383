#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| casekeep::fuzzing::firewall_matcher(data));
