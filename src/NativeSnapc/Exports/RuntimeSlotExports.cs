using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using NativeSnapc.Abi;
using NativeSnapc.Composition;
using NativeSnapc.Protocol.Wire;

namespace NativeSnapc.Exports;

/// <summary>
/// The functions the runtime puts into the host's dormant slots: <c>orte_rml</c>'s send/receive/cancel, the
/// <c>orte_sstore</c> slots sstore/central's application side uses, and the coordination callback. They are function
/// pointers, not exported names. No logic here.
/// </summary>
internal static unsafe class RuntimeSlotExports
{
    public static nint RmlSendAddress => (nint)(delegate* unmanaged[Cdecl]<ushort, OrteProcessName*, OpalBuffer*, uint, nint, nint, int>)&RmlSendBufferNb;

    public static nint RmlReceiveAddress => (nint)(delegate* unmanaged[Cdecl]<OrteProcessName*, uint, byte, nint, nint, void>)&RmlRecvBufferNb;

    public static nint RmlCancelAddress => (nint)(delegate* unmanaged[Cdecl]<OrteProcessName*, uint, void>)&RmlRecvCancel;

    public static nint SstoreRegisterHandleAddress => (nint)(delegate* unmanaged[Cdecl]<uint, int>)&SstoreRegisterHandle;

    public static nint SstoreGetAttrAddress => (nint)(delegate* unmanaged[Cdecl]<uint, uint, byte**, int>)&SstoreGetAttr;

    public static nint SstoreSetAttrAddress => (nint)(delegate* unmanaged[Cdecl]<uint, uint, byte*, int>)&SstoreSetAttr;

    public static nint SstoreSyncAddress => (nint)(delegate* unmanaged[Cdecl]<uint, int>)&SstoreSync;

    public static nint CoordinationCallbackAddress => (nint)(delegate* unmanaged[Cdecl]<int, int>)&Coordinate;

    /// <summary><c>orte_rml_API_send_buffer_nb_fn_t</c>: (conduit, peer, buffer, tag, cbfunc, cbdata).</summary>
    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int RmlSendBufferNb(ushort conduit, OrteProcessName* peer, OpalBuffer* buffer, uint tag, nint callback, nint callbackData)
    {
        try
        {
            return RankRuntimeRoot.RmlSend(peer, buffer, tag, callback, callbackData);
        }
        catch (Exception e)
        {
            return ExportGuard.Fail("orte_rml.send_buffer_nb", e);
        }
    }

    /// <summary><c>orte_rml_API_recv_buffer_nb_fn_t</c>: (peer, tag, persistent, cbfunc, cbdata).</summary>
    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void RmlRecvBufferNb(OrteProcessName* peer, uint tag, byte persistent, nint callback, nint callbackData)
    {
        try
        {
            RankRuntimeRoot.RmlReceive(peer, tag, persistent != 0, callback, callbackData);
        }
        catch (Exception e)
        {
            ExportGuard.Fail("orte_rml.recv_buffer_nb", e);
        }
    }

    /// <summary><c>orte_rml_API_recv_cancel_fn_t</c>: (peer, tag).</summary>
    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void RmlRecvCancel(OrteProcessName* peer, uint tag)
    {
        try
        {
            RankRuntimeRoot.RmlCancel(peer, tag);
        }
        catch (Exception e)
        {
            ExportGuard.Fail("orte_rml.recv_cancel", e);
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int SstoreRegisterHandle(uint handle)
    {
        try
        {
            return RankRuntimeRoot.SstoreRegisterHandle(handle);
        }
        catch (Exception e)
        {
            return ExportGuard.Fail("orte_sstore.register_handle", e);
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int SstoreGetAttr(uint handle, uint key, byte** value)
    {
        try
        {
            return RankRuntimeRoot.SstoreGetAttr(handle, key, value);
        }
        catch (Exception e)
        {
            return ExportGuard.Fail("orte_sstore.get_attr", e);
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int SstoreSetAttr(uint handle, uint key, byte* value)
    {
        try
        {
            return RankRuntimeRoot.SstoreSetAttr(handle, key, value);
        }
        catch (Exception e)
        {
            return ExportGuard.Fail("orte_sstore.set_attr", e);
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int SstoreSync(uint handle)
    {
        try
        {
            return RankRuntimeRoot.SstoreSync(handle);
        }
        catch (Exception e)
        {
            return ExportGuard.Fail("orte_sstore.sync", e);
        }
    }

    /// <summary><c>opal_cr_coord_callback_fn_t</c>: <c>int (*)(int state)</c>.</summary>
    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int Coordinate(int state)
    {
        try
        {
            return RankRuntimeRoot.Coordinate(state);
        }
        catch (Exception e)
        {
            return ExportGuard.Fail("the coordination callback", e);
        }
    }
}
