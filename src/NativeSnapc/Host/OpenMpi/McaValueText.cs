using System.Globalization;

namespace NativeSnapc.Host.OpenMpi;

/// <summary>How Open MPI reads the text of an MCA variable (an <c>OMPI_MCA_*</c> value) of a scalar type.</summary>
internal static class McaValueText
{
    /// <summary>
    /// As Open MPI's boolean enumerator reads a value (mca_base_var_enum.c): leading white space skipped, an
    /// integer is true when non-zero, else one of its (case-sensitive) words; empty is false.
    /// </summary>
    public static bool TryParseBool(string text, out bool value)
    {
        var trimmed = text.TrimStart(' ', '\t', '\n', '\v', '\f', '\r');
        if (trimmed.Length == 0)
        {
            value = false;
            return true;
        }
        if (long.TryParse(trimmed, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number))
        {
            value = number != 0;
            return true;
        }
        switch (trimmed)
        {
            case "true" or "t" or "enabled" or "yes" or "y":
                value = true;
                return true;
            case "false" or "f" or "disabled" or "no" or "n":
                value = false;
                return true;
            default:
                value = false;
                return false;
        }
    }

    /// <summary>An integer in decimal, with optional sign and surrounding white space.</summary>
    public static bool TryParseInt(string text, out int value) =>
        int.TryParse(text.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value);
}
