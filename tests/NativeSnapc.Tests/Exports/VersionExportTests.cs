using System.Runtime.InteropServices;
using NativeSnapc.Protocol.Wire;
using NativeSnapc.Tests.Support;
using NUnit.Framework;

namespace NativeSnapc.Tests.Exports;

/// <summary>The version query and the ABI data symbol of the built NativeAOT library, through P/Invoke.</summary>
[TestFixture]
public sealed unsafe partial class VersionExportTests
{
    [LibraryImport(NativeLibraryUnderTest.Name, EntryPoint = "native_snapc_query_version")]
    private static partial int QueryVersion(uint* major, uint* minor, uint* patch);

    /// <summary>The head of nsnapc_abi_info_t (include/native_snapc/version.h), read from the data symbol.</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct AbiInfo
    {
        public uint struct_size, abi_major, abi_minor, layout_variant, opal_major, opal_minor, opal_object_size, reserved;
        public delegate* unmanaged[Cdecl]<uint*, uint*, uint*, int> query_version;
    }

    [OneTimeSetUp]
    public void LoadLibrary() => _ = NativeLibraryUnderTest.Handle;

    [Test]
    public void Query_version_returns_the_managed_library_version()
    {
        uint major = 99, minor = 99, patch = 99;
        Assert.That(QueryVersion(&major, &minor, &patch), Is.EqualTo(0));
        Assert.That((major, minor, patch), Is.EqualTo((LibraryVersion.Major, LibraryVersion.Minor, LibraryVersion.Patch)));
    }

    [Test]
    public void Query_version_rejects_null_pointers_with_BAD_PARAM()
    {
        uint value;
        Assert.That(QueryVersion(null, &value, &value), Is.EqualTo(OpalStatus.BadParam));
        Assert.That(QueryVersion(&value, null, &value), Is.EqualTo(OpalStatus.BadParam));
        Assert.That(QueryVersion(&value, &value, null), Is.EqualTo(OpalStatus.BadParam));
    }

    [Test]
    public void ABI_data_symbol_describes_the_release_layout_and_points_at_the_export()
    {
        var abi = (AbiInfo*)NativeLibraryUnderTest.Export("native_snapc_abi");
        Assert.Multiple(() =>
        {
            Assert.That(abi->struct_size, Is.EqualTo((uint)sizeof(AbiInfo)));
            Assert.That(abi->layout_variant, Is.EqualTo(1u), "NSNAPC_LAYOUT_OPAL_RELEASE");
            Assert.That((abi->opal_major, abi->opal_minor), Is.EqualTo((4u, 1u)));
            Assert.That(abi->opal_object_size, Is.EqualTo((uint)sizeof(NativeSnapc.Abi.OpalObject)));
            Assert.That((nint)abi->query_version, Is.EqualTo(NativeLibraryUnderTest.Export("native_snapc_query_version")));
        });
        uint major, minor, patch;
        Assert.That(abi->query_version(&major, &minor, &patch), Is.EqualTo(0));
        Assert.That(major * 10000 + minor * 100 + patch,
            Is.EqualTo(LibraryVersion.Major * 10000 + LibraryVersion.Minor * 100 + LibraryVersion.Patch));
    }
}
