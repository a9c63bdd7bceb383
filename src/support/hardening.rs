//! Process hardening both front ends apply first thing: no core dump, ever.
//!
//! An unlocked process holds the vault key; a crash that wrote a core file (or handed one
//! to systemd-coredump or apport) would put the key and every record on screen on disk, in
//! the clear. `PR_SET_DUMPABLE = 0` stops every kind of dump (file or piped handler) and
//! also keeps other processes of the same user from reading this one's memory through
//! `/proc`; `RLIMIT_CORE = 0` (soft and hard) is the portable second lock.
//!
//! On Windows there is no core file, but Windows Error Reporting takes a dump of a crashed
//! process (to send, or to keep where an administrator set up local dumps): the process's
//! error mode turns off the fault dialog, and `WerSetFlags(NOHEAP)` keeps the heap — where
//! the key and the records live — out of any report. The macOS equivalent (`setrlimit`)
//! comes with that build.

use crate::support::error::{Error, Result};

/// Makes this process never write a core dump. Called before anything is read or unlocked.
#[cfg(target_os = "linux")]
pub fn no_core_dumps() -> Result<()> {
    use rustix::process::{set_dumpable_behavior, setrlimit, DumpableBehavior, Resource, Rlimit};
    let refused = |_| Error::Storage("could not turn core dumps off, so nothing was unlocked".into());
    set_dumpable_behavior(DumpableBehavior::NotDumpable).map_err(refused)?;
    setrlimit(Resource::Core, Rlimit { current: Some(0), maximum: Some(0) }).map_err(refused)?;
    Ok(())
}

#[cfg(windows)]
pub fn no_core_dumps() -> Result<()> {
    casekeep_winsec::no_crash_reports()
        .map_err(|_| Error::Storage("could not turn crash dumps off, so nothing was unlocked".into()))
}

#[cfg(not(any(target_os = "linux", windows)))]
pub fn no_core_dumps() -> Result<()> {
    Ok(())
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::*;
    use rustix::process::{dumpable_behavior, getrlimit, DumpableBehavior, Resource};

    #[test]
    fn after_the_call_this_process_cannot_dump_core() -> Result<()> {
        no_core_dumps()?;
        assert!(matches!(dumpable_behavior(), Ok(DumpableBehavior::NotDumpable)));
        let limit = getrlimit(Resource::Core);
        assert_eq!((limit.current, limit.maximum), (Some(0), Some(0)));
        // A second call (both front ends may share a process in tests) is fine.
        no_core_dumps()
    }
}
