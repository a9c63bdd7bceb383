//! A bare Tauri 2 window showing an empty page (the baseline of scripts/bench-app.sh).
//! With CASEKEEP_BENCH_STARTUP set it prints the same start-up line as the Casekeep app.
fn main() {
    let mark = std::env::var_os("CASEKEEP_BENCH_STARTUP").is_some();
    let result = tauri::Builder::default()
        .on_page_load(move |_, p| {
            if mark && p.event() == tauri::webview::PageLoadEvent::Finished {
                eprintln!("casekeep-bench-startup: page-loaded");
            }
        })
        .run(tauri::generate_context!());
    if let Err(e) = result {
        eprintln!("bare-window: the window could not start: {e}");
        std::process::exit(1);
    }
}
