using System;
using System.Collections.Generic;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace NativeSnapc.Tests.Abi;

/// <summary>Sizes and alignments of C# types as the runtime lays them out (the numbers compared with C).</summary>
internal static class ManagedLayout
{
    private static readonly MethodInfo UnsafeSizeOf = typeof(Unsafe).GetMethod(nameof(Unsafe.SizeOf))!;
    private static readonly MethodInfo ContainsReferences = typeof(RuntimeHelpers).GetMethod(nameof(RuntimeHelpers.IsReferenceOrContainsReferences))!;

    public static int SizeOf(Type type)
    {
        if (IsPointerSized(type))
        {
            return IntPtr.Size;
        }
        if (type.IsEnum)
        {
            return SizeOf(Enum.GetUnderlyingType(type));
        }
        return (int)UnsafeSizeOf.MakeGenericMethod(type).Invoke(null, null)!;
    }

    /// <summary>Alignment: where the runtime places a <paramref name="type"/> that follows one byte.</summary>
    public static int AlignmentOf(Type type)
    {
        if (IsPointerSized(type))
        {
            return IntPtr.Size;
        }
        if (type.IsEnum)
        {
            return AlignmentOf(Enum.GetUnderlyingType(type));
        }
        var probe = typeof(AlignmentProbe<>).MakeGenericType(type);
        return SizeOf(probe) - SizeOf(type);
    }

    public static bool IsReferenceOrContainsReferences(Type type) =>
        !IsPointerSized(type) && (bool)ContainsReferences.MakeGenericMethod(type).Invoke(null, null)!;

    /// <summary>Fields (recursively) whose managed representation differs from C: bool, char, references.</summary>
    public static IEnumerable<string> NonBlittableMembers(Type type, string path)
    {
        foreach (var field in type.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic))
        {
            var fieldType = field.FieldType;
            var fieldPath = path + "." + field.Name;
            if (fieldType == typeof(bool) || fieldType == typeof(char) || !fieldType.IsValueType && !IsPointerSized(fieldType))
            {
                yield return $"{fieldPath} ({fieldType})";
            }
            else if (fieldType.IsValueType && !fieldType.IsPrimitive && !fieldType.IsEnum && !IsPointerSized(fieldType))
            {
                foreach (var inner in NonBlittableMembers(fieldType, fieldPath))
                {
                    yield return inner;
                }
            }
        }
    }

    public static bool IsPointerSized(Type type) =>
        type.IsPointer || type.IsFunctionPointer || type == typeof(nint) || type == typeof(nuint);

    [StructLayout(LayoutKind.Sequential)]
    private struct AlignmentProbe<T> where T : struct
    {
#pragma warning disable CS0649 // only measured, never written
        public byte Lead;
        public T Value;
#pragma warning restore CS0649
    }
}
