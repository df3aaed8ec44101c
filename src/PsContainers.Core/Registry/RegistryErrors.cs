using System.Net;
using System.Text.Json;

namespace PsContainers.Core.Registry;

/// <summary>Maps registry error responses to PscExceptions with stable ErrorIds and fitting categories.</summary>
public static class RegistryErrors
{
    /// <summary>Parse the errors array of a response body; empty when the body is not that shape.</summary>
    public static IReadOnlyList<RegistryErrorEntry> ParseBody(string? body)
    {
        var list = new List<RegistryErrorEntry>();
        if (string.IsNullOrWhiteSpace(body)) return list;
        try
        {
            using var doc = JsonDocument.Parse(body);
            if (doc.RootElement.ValueKind != JsonValueKind.Object ||
                !doc.RootElement.TryGetProperty("errors", out var errs) || errs.ValueKind != JsonValueKind.Array)
                return list;
            foreach (var e in errs.EnumerateArray())
            {
                if (e.ValueKind != JsonValueKind.Object) continue;
                string code = e.TryGetProperty("code", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString()! : "UNKNOWN";
                string msg = e.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString()! : "";
                string? detail = e.TryGetProperty("detail", out var d) && d.ValueKind != JsonValueKind.Null && d.ValueKind != JsonValueKind.Undefined
                    ? (d.ValueKind == JsonValueKind.String ? d.GetString() : d.GetRawText()) : null;
                list.Add(new RegistryErrorEntry(code, msg, detail));
            }
        }
        catch (JsonException) { }
        return list;
    }

    /// <summary>
    /// The ErrorId of a registry error code (case-insensitive): the codes of the distribution spec ("Error Codes"),
    /// plus docker's MANIFEST_UNVERIFIED, TAG_INVALID, PAGINATION_NUMBER_INVALID, RANGE_INVALID and TOOMANYREQUESTS,
    /// each as Registry + the code in PascalCase (MANIFEST_UNKNOWN → RegistryManifestUnknown). A code outside that
    /// list (a registry's own, or UNKNOWN) is <see cref="ErrorIds.RegistryUnknown"/>; the message keeps the code.
    /// </summary>
    public static string ErrorIdFor(string code) => code.ToUpperInvariant() switch
    {
        "BLOB_UNKNOWN" => ErrorIds.RegistryBlobUnknown,
        "BLOB_UPLOAD_INVALID" => ErrorIds.RegistryBlobUploadInvalid,
        "BLOB_UPLOAD_UNKNOWN" => ErrorIds.RegistryBlobUploadUnknown,
        "DIGEST_INVALID" => ErrorIds.RegistryDigestInvalid,
        "MANIFEST_BLOB_UNKNOWN" => ErrorIds.RegistryManifestBlobUnknown,
        "MANIFEST_INVALID" => ErrorIds.RegistryManifestInvalid,
        "MANIFEST_UNKNOWN" => ErrorIds.RegistryManifestUnknown,
        "MANIFEST_UNVERIFIED" => ErrorIds.RegistryManifestUnverified,
        "NAME_INVALID" => ErrorIds.RegistryNameInvalid,
        "NAME_UNKNOWN" => ErrorIds.RegistryNameUnknown,
        "SIZE_INVALID" => ErrorIds.RegistrySizeInvalid,
        "TAG_INVALID" => ErrorIds.RegistryTagInvalid,
        "UNAUTHORIZED" => ErrorIds.RegistryUnauthorized,
        "DENIED" => ErrorIds.RegistryDenied,
        "UNSUPPORTED" => ErrorIds.RegistryUnsupported,
        "TOOMANYREQUESTS" => ErrorIds.RegistryTooManyRequests,
        "PAGINATION_NUMBER_INVALID" => ErrorIds.RegistryPaginationNumberInvalid,
        "RANGE_INVALID" => ErrorIds.RegistryRangeInvalid,
        _ => ErrorIds.RegistryUnknown,
    };

    public static PscErrorCategory CategoryFor(string code) => code.ToUpperInvariant() switch
    {
        "UNAUTHORIZED" or "DENIED" => PscErrorCategory.PermissionDenied,
        "TOOMANYREQUESTS" => PscErrorCategory.LimitsExceeded,
        "UNSUPPORTED" => PscErrorCategory.NotImplemented,
        var c when c.EndsWith("_UNKNOWN", StringComparison.Ordinal) => PscErrorCategory.ObjectNotFound,
        var c when c.EndsWith("_INVALID", StringComparison.Ordinal) => PscErrorCategory.InvalidData,
        _ => PscErrorCategory.ProtocolError,
    };

    public static PscErrorCategory CategoryFor(HttpStatusCode status) => (int)status switch
    {
        401 or 403 => PscErrorCategory.PermissionDenied,
        404 => PscErrorCategory.ObjectNotFound,
        429 => PscErrorCategory.LimitsExceeded,
        400 or 413 or 416 => PscErrorCategory.InvalidData,
        >= 500 => PscErrorCategory.ConnectionError,
        _ => PscErrorCategory.ProtocolError,
    };

    private static string StatusErrorId(HttpStatusCode status) => (int)status switch
    {
        401 => ErrorIds.RegistryUnauthorized,
        403 => ErrorIds.RegistryDenied,
        404 => ErrorIds.RegistryNotFound,
        429 => ErrorIds.RegistryTooManyRequests,
        _ => ErrorIds.RegistryHttpError,
    };

    /// <summary>Build the exception for a failed response (status + body already read).</summary>
    public static PscException FromResponse(HttpStatusCode status, string? body, string what, object? target)
    {
        var errs = ParseBody(body);
        if (errs.Count > 0)
        {
            var first = errs[0];
            string msg = $"{what}: {first.Code}: {first.Message}" +
                         (first.Detail is { Length: > 0 and < 300 } ? $" ({first.Detail})" : "") +
                         (errs.Count > 1 ? $" (and {errs.Count - 1} more: {string.Join(", ", errs.Skip(1).Select(e => e.Code))})" : "") +
                         $" [HTTP {(int)status}]";
            return new PscException(ErrorIdFor(first.Code), CategoryFor(first.Code), msg, target);
        }
        string text = string.IsNullOrWhiteSpace(body) ? "" : ": " + (body.Length > 200 ? body[..200] + "…" : body.Trim());
        return new PscException(StatusErrorId(status), CategoryFor(status), $"{what}: HTTP {(int)status} {status}{text}", target);
    }

    /// <summary>Warning headers: <c>299 - "text"</c> → text. Other codes are ignored.</summary>
    public static IEnumerable<string> ParseWarnings(IEnumerable<string> values)
    {
        foreach (var v in values)
        {
            var s = v.Trim();
            if (!s.StartsWith("299", StringComparison.Ordinal)) continue;
            int q1 = s.IndexOf('"');
            int q2 = s.LastIndexOf('"');
            if (q1 >= 0 && q2 > q1) yield return s[(q1 + 1)..q2].Replace("\\\"", "\"");
        }
    }
}
