using System;
using System.Linq;
using System.Text;

namespace NativeSnapc.Tests.Abi;

/// <summary>
/// Spells C# types and values as C, for generated checks. A C# type maps to the C type the mirror convention
/// says it stands for: fixed-width integers, <c>byte</c> behind a pointer = <c>char</c>, a mirror struct =
/// its [NativeTypeName], an enum = the type GCC and Clang give a C enum (unsigned int unless it has negative
/// members), a function pointer = its C function-pointer type.
/// </summary>
internal static class CSpelling
{
    public static string TypeName(Type type, bool pointee = false)
    {
        if (type == typeof(void)) return "void";
        if (type == typeof(sbyte)) return "int8_t";
        if (type == typeof(byte)) return pointee ? "char" : "uint8_t";
        if (type == typeof(short)) return "int16_t";
        if (type == typeof(ushort)) return "uint16_t";
        if (type == typeof(int)) return "int32_t";
        if (type == typeof(uint)) return "uint32_t";
        if (type == typeof(long)) return "int64_t";
        if (type == typeof(ulong)) return "uint64_t";
        if (type == typeof(nint)) return "intptr_t";
        if (type == typeof(nuint)) return "size_t";
        if (type.IsEnum)
        {
            var hasNegative = Enum.GetValues(type).Cast<object>().Any(v => Convert.ToInt64(v) < 0);
            return hasNegative ? "int" : "unsigned int";
        }
        if (type.IsPointer)
        {
            var element = type.GetElementType()!;
            if (element.IsFunctionPointer)
            {
                throw new NotSupportedException($"no C spelling generated for a pointer to a function pointer ({type})");
            }
            return TypeName(element, pointee: true) + " *";
        }
        if (type.IsFunctionPointer)
        {
            var parameters = type.GetFunctionPointerParameterTypes();
            var list = parameters.Length == 0 ? "void" : string.Join(", ", parameters.Select(p => TypeName(p)));
            var returnType = type.GetFunctionPointerReturnType();
            if (returnType.IsFunctionPointer)
            {
                throw new NotSupportedException($"no C spelling generated for a function pointer returning a function pointer ({type})");
            }
            return $"{TypeName(returnType)} (*)({list})";
        }
        var mirror = AbiCatalog.MirrorOf(type);
        if (mirror is not null)
        {
            return mirror.CName;
        }
        throw new NotSupportedException($"no C spelling for {type}: not a primitive, pointer, enum, function pointer or mirror struct");
    }

    public static string StringLiteral(string value)
    {
        var builder = new StringBuilder("\"");
        foreach (var b in Encoding.UTF8.GetBytes(value))
        {
            if (b == '"' || b == '\\')
            {
                builder.Append('\\').Append((char)b);
            }
            else if (b is >= 0x20 and < 0x7f && b != '?')
            {
                builder.Append((char)b);
            }
            else
            {
                builder.Append('\\').Append(Convert.ToString(b, 8).PadLeft(3, '0'));
            }
        }
        return builder.Append('"').ToString();
    }

    /// <summary>A C comment that cannot be closed early by its text.</summary>
    public static string Comment(string text) => "/* " + text.Replace("*/", "* /", StringComparison.Ordinal) + " */";

    public static bool IsIdentifier(string name) =>
        name.Length > 0 && (char.IsAsciiLetter(name[0]) || name[0] == '_') && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');
}
