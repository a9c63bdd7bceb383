/* TEST-ONLY, NEVER SHIPPED. Wine 8.0 has no bcryptprimitives.dll, from which Rust's
 * standard library on Windows imports ProcessPrng; a Windows build then cannot start under
 * Wine ("Library bcryptprimitives.dll not found", exit 53). scripts/windows-test.sh builds
 * this shim into the throw-away Wine prefix the tests use (never beside a built .exe):
 * ProcessPrng answered by RtlGenRandom (SystemFunction036), the system's CSPRNG.
 * Real Windows 10 and 11 have the DLL. See ../shared/PLATFORM.md. */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len) {
    while (len > 0) {
        ULONG chunk = len > 0x7fffffff ? 0x7fffffff : (ULONG)len;
        if (!SystemFunction036(data, chunk)) return FALSE;
        data += chunk;
        len -= chunk;
    }
    return TRUE;
}
