using System;
using System.Runtime.InteropServices;
using System.Threading;
using NativeSnapc.Abi;

namespace NativeSnapc.Host.OpenMpi;

/// <summary>
/// OBJ_NEW / OBJ_RETAIN / OBJ_RELEASE of opal/class/opal_object.h for a release build (docs/abi.md#obj-protocol).
/// The C versions are static inline, so only <c>opal_class_initialize</c> and <c>opal_class_init_epoch</c> are
/// reachable; the rest is redone here step by step. Objects are allocated with libc malloc because the host
/// frees them with libc free (e.g. <c>orte_rml_send_callback</c> releases a sent buffer).
/// </summary>
internal sealed unsafe class OpalObjects
{
    private readonly delegate* unmanaged[Cdecl]<OpalClass*, void> _classInitialize;
    private readonly int* _classInitEpoch;

    /// <param name="classInitialize">The host's <c>void opal_class_initialize(opal_class_t *)</c>.</param>
    /// <param name="classInitEpoch">The address of the host's <c>int opal_class_init_epoch</c>.</param>
    public OpalObjects(nint classInitialize, nint classInitEpoch)
    {
        if (classInitialize == 0 || classInitEpoch == 0)
        {
            throw new ArgumentException("opal_class_initialize and opal_class_init_epoch are required");
        }
        _classInitialize = (delegate* unmanaged[Cdecl]<OpalClass*, void>)classInitialize;
        _classInitEpoch = (int*)classInitEpoch;
    }

    /// <summary>OBJ_NEW(cls): NULL when malloc fails, as in C.</summary>
    public OpalObject* New(OpalClass* cls)
    {
        // Same order as opal_obj_new: allocate, then bring the class up to the current epoch (an
        // opal_class_finalize since the last use bumps the epoch and frees the constructor arrays).
        var obj = (OpalObject*)Malloc(cls->cls_sizeof);
        if (Volatile.Read(ref cls->cls_initialized) != Volatile.Read(ref *_classInitEpoch))
        {
            _classInitialize(cls);
        }
        if (obj is null)
        {
            return null;
        }
        obj->obj_class = cls;
        obj->obj_reference_count = 1;
        for (var constructor = cls->cls_construct_array; *constructor != null; constructor++)
        {
            (*constructor)(obj);
        }
        return obj;
    }

    /// <summary>OBJ_RETAIN.</summary>
    public static void Retain(OpalObject* obj) => Interlocked.Increment(ref obj->obj_reference_count);

    /// <summary>
    /// OBJ_RELEASE: drops one reference; the last one runs the destructors (most derived first) and frees
    /// the object. Always atomic: the host updates the count atomically only when opal_uses_threads is set,
    /// and an atomic update is correct in both cases. Returns whether the object was freed.
    /// </summary>
    public static bool Release(OpalObject* obj)
    {
        if (Interlocked.Decrement(ref obj->obj_reference_count) != 0)
        {
            return false;
        }
        for (var destructor = obj->obj_class->cls_destruct_array; *destructor != null; destructor++)
        {
            (*destructor)(obj);
        }
        NativeMemory.Free(obj);
        return true;
    }

    private static void* Malloc(nuint size)
    {
        try
        {
            return NativeMemory.Alloc(size);
        }
        catch (OutOfMemoryException)
        {
            return null;
        }
    }
}
