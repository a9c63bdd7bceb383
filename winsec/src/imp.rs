use std::ffi::c_void;
use std::fs::File;
use std::io;
use std::mem::size_of;
use std::os::windows::ffi::OsStrExt;
use std::os::windows::io::{AsRawHandle, FromRawHandle, OwnedHandle};
use std::path::Path;
use std::ptr;

use windows_sys::Win32::Foundation::{LocalFree, ERROR_SUCCESS, HANDLE};
use windows_sys::Win32::Security::Authorization::{GetNamedSecurityInfoW, SE_FILE_OBJECT};
use windows_sys::Win32::Security::{
    AclSizeInformation, AddAccessAllowedAceEx, EqualSid, GetAce, GetAclInformation, GetLengthSid,
    GetSecurityDescriptorControl, GetTokenInformation, InitializeAcl, InitializeSecurityDescriptor,
    SetFileSecurityW, SetSecurityDescriptorControl, SetSecurityDescriptorDacl, TokenUser, ACCESS_ALLOWED_ACE,
    ACE_HEADER, ACL, ACL_REVISION, ACL_SIZE_INFORMATION, CONTAINER_INHERIT_ACE, DACL_SECURITY_INFORMATION,
    OBJECT_INHERIT_ACE, PROTECTED_DACL_SECURITY_INFORMATION, PSECURITY_DESCRIPTOR, PSID, SECURITY_DESCRIPTOR,
    SE_DACL_PROTECTED, TOKEN_QUERY, TOKEN_USER,
};
use windows_sys::Win32::Storage::FileSystem::{
    GetFileInformationByHandle, BY_HANDLE_FILE_INFORMATION, FILE_ALL_ACCESS,
};
use windows_sys::Win32::System::Diagnostics::Debug::{
    SetErrorMode, SEM_FAILCRITICALERRORS, SEM_NOGPFAULTERRORBOX,
};
use windows_sys::Win32::System::ErrorReporting::{WerSetFlags, WER_FAULT_REPORTING_FLAG_NOHEAP};
use windows_sys::Win32::System::SystemServices::{
    ACCESS_ALLOWED_ACE_TYPE, ACCESS_DENIED_ACE_TYPE, SECURITY_DESCRIPTOR_REVISION,
};
use windows_sys::Win32::System::Threading::{GetCurrentProcess, OpenProcessToken};

/// A SID copied into memory we own, aligned as a SID must be (its sub-authorities are u32).
struct Sid(Vec<u32>);

impl Sid {
    fn as_psid(&self) -> PSID {
        self.0.as_ptr() as PSID
    }
}

/// A path as Windows wants it: UTF-16, NUL-terminated.
fn wide(path: &Path) -> Vec<u16> {
    path.as_os_str().encode_wide().chain(std::iter::once(0)).collect()
}

fn check(ok: i32) -> io::Result<()> {
    if ok == 0 {
        Err(io::Error::last_os_error())
    } else {
        Ok(())
    }
}

/// The SID of the user this process runs as (the token's user, not its groups).
fn current_user_sid() -> io::Result<Sid> {
    let mut raw: HANDLE = ptr::null_mut();
    // SAFETY: GetCurrentProcess returns a pseudo-handle that needs no closing.
    let process = unsafe { GetCurrentProcess() };
    // SAFETY: `raw` is a live local the call writes the token handle into.
    check(unsafe { OpenProcessToken(process, TOKEN_QUERY, &mut raw) })?;
    // SAFETY: the call succeeded, so `raw` is a token handle this process owns and closes once.
    let token = unsafe { OwnedHandle::from_raw_handle(raw as _) };

    let mut needed = 0u32;
    // SAFETY: asking for the size only: a null buffer of length 0, `needed` a live local.
    // It fails with ERROR_INSUFFICIENT_BUFFER by design; `needed` is what matters.
    let _ = unsafe {
        GetTokenInformation(token.as_raw_handle() as HANDLE, TokenUser, ptr::null_mut(), 0, &mut needed)
    };
    if needed == 0 {
        return Err(io::Error::last_os_error());
    }
    // u64s: aligned for TOKEN_USER (a pointer and a u32).
    let mut buf = vec![0u64; (needed as usize).div_ceil(8)];
    let len = u32::try_from(buf.len() * 8).map_err(|_| io::Error::other("token information too large"))?;
    // SAFETY: `buf` is writable for `len` bytes and outlives the call.
    check(unsafe {
        GetTokenInformation(
            token.as_raw_handle() as HANDLE,
            TokenUser,
            buf.as_mut_ptr().cast(),
            len,
            &mut needed,
        )
    })?;
    // SAFETY: on success `buf` begins with a TOKEN_USER (and is aligned for it); its SID
    // pointer points into `buf`, which is alive until the end of this function.
    let user: &TOKEN_USER = unsafe { &*(buf.as_ptr() as *const TOKEN_USER) };
    let sid = user.User.Sid;
    // SAFETY: `sid` is the valid SID the token just gave us.
    let sid_len = unsafe { GetLengthSid(sid) } as usize;
    let mut owned = vec![0u32; sid_len.div_ceil(4)];
    // SAFETY: `sid` is readable for `sid_len` bytes (inside `buf`), `owned` writable for at
    // least as many, and the two do not overlap.
    unsafe { ptr::copy_nonoverlapping(sid as *const u8, owned.as_mut_ptr() as *mut u8, sid_len) };
    Ok(Sid(owned))
}

/// Gives `path` a protected DACL with one entry: full control for the current user. Nothing
/// is inherited from the folder above; for a folder, the entry is inherited by everything
/// later created inside it (files and folders), so they are the user's alone from birth.
pub fn restrict_to_current_user(path: &Path) -> io::Result<()> {
    let is_dir = std::fs::symlink_metadata(path)?.is_dir();
    let sid = current_user_sid()?;
    // SAFETY: `sid` holds a valid SID.
    let sid_len = unsafe { GetLengthSid(sid.as_psid()) } as usize;
    // An ACL header, then one ACCESS_ALLOWED_ACE whose last field (a u32) is where the SID starts.
    let acl_len = size_of::<ACL>() + size_of::<ACCESS_ALLOWED_ACE>() - size_of::<u32>() + sid_len;
    let mut acl = vec![0u32; acl_len.div_ceil(4)];
    let acl_bytes = u32::try_from(acl.len() * 4).map_err(|_| io::Error::other("ACL too large"))?;
    let acl_ptr = acl.as_mut_ptr() as *mut ACL;
    // SAFETY: `acl` is writable, u32-aligned and `acl_bytes` long.
    check(unsafe { InitializeAcl(acl_ptr, acl_bytes, ACL_REVISION) })?;
    let inherit = if is_dir { OBJECT_INHERIT_ACE | CONTAINER_INHERIT_ACE } else { 0 };
    // SAFETY: `acl_ptr` is the ACL just initialised with room for this one entry; `sid` is valid.
    check(unsafe { AddAccessAllowedAceEx(acl_ptr, ACL_REVISION, inherit, FILE_ALL_ACCESS, sid.as_psid()) })?;
    // An absolute security descriptor holding only that DACL, marked protected. Set with
    // SetFileSecurityW, which stores the descriptor as given: SetNamedSecurityInfoW would
    // also do it on Windows, but Wine's ignores the protection and merges the parent's
    // entries back in, so its result could not be tested there.
    // SAFETY: SECURITY_DESCRIPTOR is plain data; all-zero is a valid value to initialise.
    let mut sd: SECURITY_DESCRIPTOR = unsafe { std::mem::zeroed() };
    let psd: PSECURITY_DESCRIPTOR = (&mut sd as *mut SECURITY_DESCRIPTOR).cast();
    // SAFETY: `psd` points at a live, writable SECURITY_DESCRIPTOR.
    check(unsafe { InitializeSecurityDescriptor(psd, SECURITY_DESCRIPTOR_REVISION) })?;
    // SAFETY: `psd` was just initialised; `acl` outlives every use of `sd` below.
    check(unsafe { SetSecurityDescriptorDacl(psd, 1, acl_ptr, 0) })?;
    // SAFETY: `psd` is initialised; only the protection bit is changed.
    check(unsafe { SetSecurityDescriptorControl(psd, SE_DACL_PROTECTED, SE_DACL_PROTECTED) })?;
    let name = wide(path);
    // SAFETY: `name` is NUL-terminated UTF-16; `psd` is a valid descriptor whose DACL (`acl`)
    // is alive for the call, which copies it.
    check(unsafe {
        SetFileSecurityW(name.as_ptr(), DACL_SECURITY_INFORMATION | PROTECTED_DACL_SECURITY_INFORMATION, psd)
    })
}

/// A security descriptor the system allocated for us, freed with `LocalFree`.
struct LocalSd(PSECURITY_DESCRIPTOR);

impl Drop for LocalSd {
    fn drop(&mut self) {
        if !self.0.is_null() {
            // SAFETY: the pointer came from GetNamedSecurityInfoW, which says to free it with
            // LocalFree, and it is freed once.
            unsafe { LocalFree(self.0) };
        }
    }
}

/// What [`is_restricted_to_current_user`] found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Restriction {
    /// Every entry that grants access grants it to the current user or to the operating
    /// system itself (LocalSystem, which can read any file whatever the DACL says), and at
    /// least one grants it to the current user.
    pub no_one_else: bool,
    /// The DACL does not take entries from the folder above.
    pub protected: bool,
}

/// The well-known SID of LocalSystem (S-1-5-18): revision 1, one sub-authority, authority 5.
const LOCAL_SYSTEM: [u32; 3] = [u32::from_le_bytes([1, 1, 0, 0]), u32::from_le_bytes([0, 0, 0, 5]), 18];

/// Reads `path`'s DACL: whether anyone but the current user (and the system) is let in, and
/// whether it is protected from inheritance. A missing (null) DACL lets everyone in.
pub fn is_restricted_to_current_user(path: &Path) -> io::Result<Restriction> {
    let sid = current_user_sid()?;
    let name = wide(path);
    let mut dacl: *mut ACL = ptr::null_mut();
    let mut sd: PSECURITY_DESCRIPTOR = ptr::null_mut();
    // SAFETY: `name` is NUL-terminated UTF-16; `dacl` and `sd` are live locals the call writes to.
    let rc = unsafe {
        GetNamedSecurityInfoW(
            name.as_ptr(),
            SE_FILE_OBJECT,
            DACL_SECURITY_INFORMATION,
            ptr::null_mut(),
            ptr::null_mut(),
            &mut dacl,
            ptr::null_mut(),
            &mut sd,
        )
    };
    if rc != ERROR_SUCCESS {
        return Err(io::Error::from_raw_os_error(rc as i32));
    }
    let sd = LocalSd(sd);
    let mut control = 0u16;
    let mut revision = 0u32;
    // SAFETY: `sd.0` is the descriptor just returned; the two outputs are live locals.
    check(unsafe { GetSecurityDescriptorControl(sd.0, &mut control, &mut revision) })?;
    let protected = control & SE_DACL_PROTECTED != 0;
    if dacl.is_null() {
        return Ok(Restriction { no_one_else: false, protected });
    }
    let system = Sid(LOCAL_SYSTEM.to_vec());
    let mut info = ACL_SIZE_INFORMATION { AceCount: 0, AclBytesInUse: 0, AclBytesFree: 0 };
    // SAFETY: `dacl` points into `sd`, alive; `info` is a live local of the size given.
    check(unsafe {
        GetAclInformation(
            dacl,
            (&mut info as *mut ACL_SIZE_INFORMATION).cast::<c_void>(),
            size_of::<ACL_SIZE_INFORMATION>() as u32,
            AclSizeInformation,
        )
    })?;
    let mut granted = 0;
    for i in 0..info.AceCount {
        let mut ace: *mut c_void = ptr::null_mut();
        // SAFETY: `i` is below the entry count; `ace` is a live local the call writes to.
        check(unsafe { GetAce(dacl, i, &mut ace) })?;
        // SAFETY: every entry begins with an ACE_HEADER; `ace` points into `sd`, alive.
        let header: ACE_HEADER = unsafe { ptr::read_unaligned(ace as *const ACE_HEADER) };
        match u32::from(header.AceType) {
            ACCESS_DENIED_ACE_TYPE => {}
            ACCESS_ALLOWED_ACE_TYPE => {
                // SAFETY: an ACCESS_ALLOWED_ACE's SID starts at its `SidStart` field.
                let ace_sid = unsafe { ptr::addr_of_mut!((*(ace as *mut ACCESS_ALLOWED_ACE)).SidStart) };
                // SAFETY: both are valid SIDs (one in `sd`, one in `sid`), alive for the call.
                if unsafe { EqualSid(ace_sid.cast(), sid.as_psid()) } != 0 {
                    granted += 1;
                    continue;
                }
                // SAFETY: both are valid SIDs (one in `sd`, one the constant above), alive for the call.
                if unsafe { EqualSid(ace_sid.cast(), system.as_psid()) } == 0 {
                    return Ok(Restriction { no_one_else: false, protected });
                }
            }
            // Object and callback entries may grant access too: not the simple DACL we set.
            _ => return Ok(Restriction { no_one_else: false, protected }),
        }
    }
    Ok(Restriction { no_one_else: granted > 0, protected })
}

/// The volume serial number and the file index of an open file: the pair that names one
/// file on a volume for as long as it exists (what device and inode are on Unix).
pub fn file_identity(file: &File) -> io::Result<(u64, u64)> {
    // SAFETY: BY_HANDLE_FILE_INFORMATION is plain data; all-zero is a valid value.
    let mut info: BY_HANDLE_FILE_INFORMATION = unsafe { std::mem::zeroed() };
    // SAFETY: the handle is the open file's, alive while `file` is borrowed; `info` is a live local.
    check(unsafe { GetFileInformationByHandle(file.as_raw_handle() as HANDLE, &mut info) })?;
    let index = (u64::from(info.nFileIndexHigh) << 32) | u64::from(info.nFileIndexLow);
    Ok((u64::from(info.dwVolumeSerialNumber), index))
}

/// No "stopped working" dialog and no heap in a Windows Error Reporting dump of this process:
/// an unlocked process holds the vault key and the records on screen in its heap.
pub fn no_crash_reports() -> io::Result<()> {
    // SAFETY: sets this process's error mode; no pointers.
    unsafe { SetErrorMode(SEM_FAILCRITICALERRORS | SEM_NOGPFAULTERRORBOX) };
    // SAFETY: sets this process's WER flags; no pointers.
    let hr = unsafe { WerSetFlags(WER_FAULT_REPORTING_FLAG_NOHEAP) };
    if hr < 0 {
        return Err(io::Error::other(format!("WerSetFlags failed (HRESULT {hr:#x})")));
    }
    Ok(())
}

#[cfg(test)]
// The tests make plain files to restrict (clippy.toml's file rule is for the core's writes).
#[allow(clippy::unwrap_used, clippy::disallowed_methods)]
mod tests {
    use super::*;

    /// What can be checked under Wine, where these tests run (`make windows-test`): Wine
    /// keeps no DACL of its own (it answers with one made from the Unix mode bits, always
    /// with LocalSystem in it), but it maps the DACL it is given onto those bits. So a
    /// folder or file the user alone may use reads back as theirs alone, and one that others
    /// may read does not. Wine drops the protection flag and does not inherit entries into
    /// new files; both are Windows' own behaviour and are not tested here.
    #[test]
    fn a_restricted_folder_or_file_lets_no_one_else_in() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("vault");
        std::fs::create_dir(&dir).unwrap();
        let file = dir.join("vault.db");
        std::fs::write(&file, b"x").unwrap();
        // As made, with the temp folder's permissions: others may read.
        assert!(!is_restricted_to_current_user(&dir).unwrap().no_one_else);
        assert!(!is_restricted_to_current_user(&file).unwrap().no_one_else);

        restrict_to_current_user(&dir).unwrap();
        restrict_to_current_user(&file).unwrap();
        assert!(is_restricted_to_current_user(&dir).unwrap().no_one_else);
        assert!(is_restricted_to_current_user(&file).unwrap().no_one_else);
        // Still the user's to use.
        assert_eq!(std::fs::read(&file).unwrap(), b"x");
        std::fs::write(dir.join("another"), b"y").unwrap();
    }

    #[test]
    fn a_missing_path_is_an_error_not_a_yes() {
        let tmp = tempfile::tempdir().unwrap();
        assert!(restrict_to_current_user(&tmp.path().join("absent")).is_err());
        assert!(is_restricted_to_current_user(&tmp.path().join("absent")).is_err());
    }

    #[test]
    fn a_file_keeps_its_identity_and_a_replacement_at_the_same_path_does_not() {
        let tmp = tempfile::tempdir().unwrap();
        let a = tmp.path().join("a");
        let b = tmp.path().join("b");
        std::fs::write(&a, b"a").unwrap();
        std::fs::write(&b, b"b").unwrap();
        let id_a = file_identity(&File::open(&a).unwrap()).unwrap();
        assert_eq!(id_a, file_identity(&File::open(&a).unwrap()).unwrap());
        assert_ne!(id_a, file_identity(&File::open(&b).unwrap()).unwrap());
        std::fs::remove_file(&a).unwrap();
        std::fs::rename(&b, &a).unwrap();
        assert_ne!(id_a, file_identity(&File::open(&a).unwrap()).unwrap());
    }

    #[test]
    fn crash_reports_can_be_turned_off() {
        no_crash_reports().unwrap();
        no_crash_reports().unwrap();
    }
}
