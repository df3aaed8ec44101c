using System.Security.Cryptography;
using System.Text.RegularExpressions;

namespace PsContainers.Core.Util;

/// <summary>OCI digests ("sha256:&lt;64 hex&gt;"): parse, validate, compute.</summary>
public static partial class Digest
{
    [GeneratedRegex("^sha256:[a-f0-9]{64}$")]
    private static partial Regex Sha256Regex();

    public static bool IsValid(string? digest) => digest is not null && Sha256Regex().IsMatch(digest);

    public static string Validate(string digest)
    {
        if (!IsValid(digest))
            throw PscException.InvalidData(ErrorIds.InvalidDigest, $"'{digest}' is not a valid sha256 digest.", digest);
        return digest;
    }

    public static string Of(ReadOnlySpan<byte> data) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(data));

    public static string Of(Stream s) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(s));

    public static string OfFile(string path)
    {
        using var fs = File.OpenRead(path);
        return Of(fs);
    }

    /// <summary>The hex part of a digest, used as a file name.</summary>
    public static string Hex(string digest) => Validate(digest)[7..];

    /// <summary>The short 12-character form docker prints.</summary>
    public static string Short(string digestOrId)
    {
        string h = digestOrId.StartsWith("sha256:", StringComparison.Ordinal) ? digestOrId[7..] : digestOrId;
        return h.Length > 12 ? h[..12] : h;
    }
}
