#nullable enable
// MSBuild inline task (compiled by RoslynCodeTaskFactory, see TorchSharpNative.targets).
// Makes the build output's copy of libLibTorchSharp.so loadable where the system libstdc++ lacks GLIBCXX_3.4.32.
using System;
using System.Diagnostics;
using System.IO;
using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

public class T5SharpPatchTorchNative : Task
{
    const string NeededVersion = "GLIBCXX_3.4.32";
    const string ShimName = "libstdcxx-shim.so";
    const string Origin = "$ORIGIN/";

    [Required] public string NativeDir { get; set; } = "";
    [Required] public string ShimSource { get; set; } = "";
    [Required] public string WorkDir { get; set; } = "";

    public override bool Execute()
    {
        if (!RuntimeInformation.IsOSPlatform(OSPlatform.Linux) || RuntimeInformation.OSArchitecture != Architecture.X64)
            return true;
        string lib = Path.Combine(NativeDir, "libLibTorchSharp.so");
        string? systemLib = FindSystemLibStdCxx();
        if (systemLib == null)
        {
            Log.LogWarning("T5Sharp: no system libstdc++.so.6 found; leaving libLibTorchSharp.so as it is.");
            return true;
        }
        if (Contains(File.ReadAllBytes(systemLib), Encoding.ASCII.GetBytes(NeededVersion + "\0")))
            return true; // the system library is new enough: nothing to do

        try
        {
            string shim = BuildShim();
            File.Copy(shim, Path.Combine(NativeDir, ShimName), overwrite: true);
            byte[] elf = File.ReadAllBytes(lib);
            bool changed = Patch(elf);
            if (changed)
            {
                string tmp = lib + ".t5sharp-tmp";
                File.WriteAllBytes(tmp, elf);
                File.Replace(tmp, lib, null); // a rename: atomic, and never touches the NuGet cache's copy
                Log.LogMessage(MessageImportance.High,
                    $"T5Sharp: {systemLib} lacks {NeededVersion}; patched {lib} to load with {ShimName}.");
            }
            return true;
        }
        catch (Exception e)
        {
            Log.LogError($"T5Sharp: could not make {lib} loadable on this system: {e.Message}");
            return false;
        }
    }

    static string? FindSystemLibStdCxx()
    {
        foreach (var dir in new[] { "/usr/lib/x86_64-linux-gnu", "/lib/x86_64-linux-gnu", "/usr/lib64", "/lib64", "/usr/lib", "/lib" })
        {
            string p = Path.Combine(dir, "libstdc++.so.6");
            if (File.Exists(p)) return Path.GetFullPath(p);
        }
        return null;
    }

    string BuildShim()
    {
        Directory.CreateDirectory(WorkDir);
        string output = Path.Combine(WorkDir, ShimName);
        if (File.Exists(output) && File.GetLastWriteTimeUtc(output) >= File.GetLastWriteTimeUtc(ShimSource))
            return output;
        string tmp = output + ".tmp";
        var psi = new ProcessStartInfo("g++", $"-shared -fPIC -O2 -o \"{tmp}\" \"{ShimSource}\"")
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        Process p;
        try { p = Process.Start(psi)!; }
        catch (Exception)
        {
            throw new InvalidOperationException(
                $"the system libstdc++ lacks {NeededVersion}, and g++ (needed to build {ShimName}) is not installed: apt-get install g++");
        }
        string err = p.StandardError.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException($"g++ failed building {ShimName}: {err}");
        if (File.Exists(output)) File.Delete(output);
        File.Move(tmp, output);
        return output;
    }

    // ---- ELF64 little-endian editing -------------------------------------------------------------------------

    const uint ShtDynamic = 6, ShtDynsym = 11, ShtGnuVerneed = 0x6ffffffe, ShtGnuVerdef = 0x6ffffffd;
    const long DtNull = 0, DtNeeded = 1, DtSoname = 14, DtRpath = 15, DtRunpath = 29;
    const ushort VerFlgWeak = 0x2;

    /// <summary>Returns true when the bytes were changed. Idempotent.</summary>
    static bool Patch(byte[] f)
    {
        if (f.Length < 64 || f[0] != 0x7f || f[1] != (byte)'E' || f[2] != (byte)'L' || f[3] != (byte)'F' || f[4] != 2 || f[5] != 1)
            throw new InvalidDataException("not a 64-bit little-endian ELF file");
        long shoff = I64(f, 0x28);
        int shentsize = U16(f, 0x3A), shnum = U16(f, 0x3C);
        long dynOff = -1, dynSize = 0, verneedOff = -1, dynsymOff = -1, dynsymSize = 0, verdefOff = -1;
        int verneedNum = 0, verdefNum = 0, dynstrIndex = -1;
        for (int i = 0; i < shnum; i++)
        {
            long h = shoff + (long)i * shentsize;
            uint type = U32(f, h + 4);
            long off = I64(f, h + 24), size = I64(f, h + 32);
            int link = (int)U32(f, h + 40), info = (int)U32(f, h + 44);
            if (type == ShtDynamic) { dynOff = off; dynSize = size; dynstrIndex = link; }
            else if (type == ShtGnuVerneed) { verneedOff = off; verneedNum = info; }
            else if (type == ShtGnuVerdef) { verdefOff = off; verdefNum = info; }
            else if (type == ShtDynsym) { dynsymOff = off; dynsymSize = size; }
        }
        if (dynOff < 0 || dynstrIndex < 0) throw new InvalidDataException("no dynamic section");
        long strOff = I64(f, shoff + (long)dynstrIndex * shentsize + 24);
        bool changed = false;

        // 1. Mark the GLIBCXX_3.4.32 requirement weak, so that the loader accepts an older libstdc++.
        bool found = false;
        for (long vn = verneedOff, n = 0; verneedOff >= 0 && n < verneedNum; n++)
        {
            int cnt = U16(f, vn + 2);
            long aux = vn + U32(f, vn + 8);
            for (int a = 0; a < cnt; a++)
            {
                if (Str(f, strOff + U32(f, aux + 8)) == NeededVersion)
                {
                    found = true;
                    ushort flags = U16(f, aux + 4);
                    if ((flags & VerFlgWeak) == 0) { W16(f, aux + 4, (ushort)(flags | VerFlgWeak)); changed = true; }
                }
                aux += U32(f, aux + 12);
            }
            vn += U32(f, vn + 12);
        }
        if (!found) return changed; // this TorchSharp build doesn't need the new libstdc++

        // 2. Add DT_NEEDED libstdcxx-shim.so (found through the $ORIGIN runpath).
        int count = (int)(dynSize / 16), firstNull = -1, lastNeeded = -1, runpath = -1;
        for (int i = 0; i < count; i++)
        {
            long tag = I64(f, dynOff + i * 16);
            if (tag == DtNull) { firstNull = i; break; }
            if (tag == DtNeeded)
            {
                lastNeeded = i;
                if (Str(f, strOff + I64(f, dynOff + i * 16 + 8)) == ShimName) return changed; // already added
            }
            if (tag == DtRunpath || tag == DtRpath) runpath = i;
        }
        if (firstNull < 0 || firstNull + 1 >= count)
            throw new InvalidDataException("no spare slot in the dynamic section for a DT_NEEDED entry");
        if (runpath < 0) throw new InvalidDataException("no runpath to hold the shim's name");

        // The name goes into the runpath string's own bytes: the runpath becomes "$ORIGIN/" (its other entries are
        // directories of TorchSharp's build machine) and the bytes after its new terminator hold "libstdcxx-shim.so".
        long rp = strOff + I64(f, dynOff + runpath * 16 + 8);
        string oldRunpath = Str(f, rp);
        if (!oldRunpath.StartsWith("$ORIGIN")) throw new InvalidDataException($"unexpected runpath '{oldRunpath}'");
        long nameAt = rp + Origin.Length + 1;
        if (Origin.Length + 1 + ShimName.Length > oldRunpath.Length)
            throw new InvalidDataException("runpath string too short to hold the shim's name");
        EnsureNoReferenceInto(f, strOff, rp + 1, rp + oldRunpath.Length, dynOff, count, dynsymOff, dynsymSize,
            verneedOff, verneedNum, verdefOff, verdefNum);
        Array.Clear(f, (int)rp, oldRunpath.Length);
        Encoding.ASCII.GetBytes(Origin).CopyTo(f, rp);
        Encoding.ASCII.GetBytes(ShimName).CopyTo(f, nameAt);

        // Shift the entries after the last DT_NEEDED down one slot and put the new DT_NEEDED there.
        int insertAt = lastNeeded + 1;
        Array.Copy(f, dynOff + insertAt * 16, f, dynOff + (insertAt + 1) * 16, (firstNull - insertAt + 1) * 16);
        W64(f, dynOff + insertAt * 16, DtNeeded);
        W64(f, dynOff + insertAt * 16 + 8, nameAt - strOff);
        return true;
    }

    // Refuses to rewrite the runpath string if anything else (a symbol name, a version name) shares its bytes.
    static void EnsureNoReferenceInto(byte[] f, long strOff, long from, long to, long dynOff, int dynCount,
        long dynsymOff, long dynsymSize, long verneedOff, int verneedNum, long verdefOff, int verdefNum)
    {
        void Check(long offsetInStrtab, string what)
        {
            long at = strOff + offsetInStrtab;
            if (at >= from && at <= to) throw new InvalidDataException($"the runpath string is shared with {what}");
        }
        for (int i = 0; i < dynCount; i++)
        {
            long tag = I64(f, dynOff + i * 16);
            if (tag == DtNull) break;
            if (tag == DtNeeded || tag == DtSoname) Check(I64(f, dynOff + i * 16 + 8), "a dynamic entry");
        }
        for (long s = dynsymOff; dynsymOff >= 0 && s < dynsymOff + dynsymSize; s += 24) Check(U32(f, s), "a symbol name");
        for (long vn = verneedOff, n = 0; verneedOff >= 0 && n < verneedNum; n++)
        {
            Check(U32(f, vn + 4), "a version file name");
            long aux = vn + U32(f, vn + 8);
            for (int a = 0; a < U16(f, vn + 2); a++) { Check(U32(f, aux + 8), "a version name"); aux += U32(f, aux + 12); }
            vn += U32(f, vn + 12);
        }
        for (long vd = verdefOff, n = 0; verdefOff >= 0 && n < verdefNum; n++)
        {
            long aux = vd + U32(f, vd + 12);
            for (int a = 0; a < U16(f, vd + 6); a++) { Check(U32(f, aux), "a version definition"); aux += U32(f, aux + 4); }
            vd += U32(f, vd + 16);
        }
    }

    static ushort U16(byte[] f, long o) => BitConverter.ToUInt16(f, (int)o);
    static uint U32(byte[] f, long o) => BitConverter.ToUInt32(f, (int)o);
    static long I64(byte[] f, long o) => BitConverter.ToInt64(f, (int)o);
    static void W16(byte[] f, long o, ushort v) => BitConverter.GetBytes(v).CopyTo(f, o);
    static void W64(byte[] f, long o, long v) => BitConverter.GetBytes(v).CopyTo(f, o);

    static string Str(byte[] f, long o)
    {
        int end = (int)o;
        while (f[end] != 0) end++;
        return Encoding.ASCII.GetString(f, (int)o, end - (int)o);
    }

    static bool Contains(byte[] hay, byte[] needle)
    {
        for (int i = 0; i + needle.Length <= hay.Length; i++)
        {
            int j = 0;
            while (j < needle.Length && hay[i + j] == needle[j]) j++;
            if (j == needle.Length) return true;
        }
        return false;
    }
}
