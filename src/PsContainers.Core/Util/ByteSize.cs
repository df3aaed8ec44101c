using System.Globalization;

namespace PsContainers.Core.Util;

/// <summary>
/// Sizes as docker's command line takes them (go-units RAMInBytes): a number, optionally with a fraction, then an
/// optional unit k, m, g, t or p (any case, binary: k = 1024) that may be followed by "b" or "ib", or a bare "b".
/// "256m", "1g", "512MB", "1.5GiB", "4096" and "4096b" are all accepted; the result is in bytes.
/// </summary>
public static class ByteSize
{
    /// <summary>Bytes for <paramref name="text"/>, or false when it is not a size (blank, negative, unknown unit, overflow).</summary>
    public static bool TryParse(string? text, out long bytes)
    {
        bytes = 0;
        if (string.IsNullOrWhiteSpace(text)) return false;
        string t = text.Trim();
        int end = 0;
        while (end < t.Length && (char.IsAsciiDigit(t[end]) || t[end] == '.')) end++;
        string number = t[..end];
        string unit = t[end..].TrimStart(' ').ToLowerInvariant();
        if (number.Length == 0 || number[0] == '.' || number[^1] == '.' || number.Count(c => c == '.') > 1) return false;
        if (!decimal.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out decimal value)) return false;
        int shift;
        switch (unit)
        {
            case "" or "b": shift = 0; break;
            default:
                int p = "kmgtp".IndexOf(unit[0]);
                if (p < 0 || unit[1..] is not ("" or "b" or "i" or "ib")) return false;
                shift = 10 * (p + 1);
                break;
        }
        decimal result = value * (1L << shift);
        if (result > long.MaxValue) return false;
        bytes = (long)decimal.Truncate(result);
        return true;
    }

    /// <summary>Bytes for <paramref name="text"/> (see <see cref="ByteSize"/> for the forms).</summary>
    /// <param name="text">The size as typed.</param>
    /// <param name="errorId">The ErrorId of the error for a bad value ("InvalidMemory" for -Memory).</param>
    /// <param name="what">What the size is for, in the message ("-Memory").</param>
    /// <exception cref="PscException">InvalidArgument with <paramref name="errorId"/>: not a size.</exception>
    public static long Parse(string text, string errorId, string what)
    {
        if (TryParse(text, out long bytes)) return bytes;
        throw PscException.InvalidArgument(errorId, $"'{text}' is not valid for {what}: give bytes, or a number with a unit such as 512k, 256m, 1g or 512MB.", text);
    }
}
