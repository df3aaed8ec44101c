using System.Net;
using System.Security.Cryptography;
using PsContainers.FileSystem;

namespace PsContainers.Core.Build;

/// <summary>
/// ADD of an http(s) URL (Dockerfile reference, ADD "Adding files from a URL"): the file is downloaded, not extracted,
/// with mode 0600 and the modification time of the response's Last-Modified header (now when there is none); its
/// name is the last path segment of the URL (used when the destination is a directory), or <c>__unnamed__</c> when the
/// URL's path has none (<c>http://host/</c>), as BuildKit's Dockerfile frontend names it (dockerfile2llb, the HTTP
/// source's <c>llb.Filename</c>: Go's <c>path.Base</c> of the URL path unless it is "." or "/"; a ".." segment is
/// named <c>__unnamed__</c> here too, never a name that climbs).
/// </summary>
public static class BuildDownloads
{
    private static readonly HttpClient Http = new(new SocketsHttpHandler { AutomaticDecompression = DecompressionMethods.None, PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
    {
        Timeout = TimeSpan.FromMinutes(10),
    };

    /// <summary>
    /// Download <paramref name="url"/> into <paramref name="directory"/> (a directory the engine owns) and return the
    /// digest ("sha256:…") of its content and name, for the step's cache key.
    /// </summary>
    /// <exception cref="PscException">BuildDownloadFailed: an HTTP error status or a network failure.</exception>
    public static string Download(string url, string directory, string where, CancellationToken ct)
    {
        var uri = new Uri(url);
        string name = FileName(uri);
        string target = Path.Combine(directory, name);
        try
        {
            using var response = Http.GetAsync(uri, HttpCompletionOption.ResponseHeadersRead, ct).GetAwaiter().GetResult();
            if (!response.IsSuccessStatusCode)
                throw new PscException(ErrorIds.BuildDownloadFailed, PscErrorCategory.ResourceUnavailable,
                    $"{where}: downloading {url} failed: HTTP {(int)response.StatusCode} {response.ReasonPhrase}.", url);
            using var dir = SafeFd.OpenDirectory(directory);
            using (var output = Fs.CreateFile(dir, BytePath.FromString(name), 0x180))
            using (var body = response.Content.ReadAsStream(ct))
                body.CopyTo(output);
            Fs.Chmod(dir, BytePath.FromString(name), 0x180); // 0600 whatever the umask
            var mtime = response.Content.Headers.LastModified ?? DateTimeOffset.UtcNow;
            Fs.SetTimes(dir, BytePath.FromString(name), FsTime.From(mtime), FsTime.From(mtime));
        }
        catch (HttpRequestException e)
        {
            throw new PscException(ErrorIds.BuildDownloadFailed, PscErrorCategory.ResourceUnavailable, $"{where}: downloading {url} failed: {e.Message}", url, e);
        }
        using var f = File.OpenRead(target);
        return "sha256:" + Convert.ToHexStringLower(SHA256.HashData(f)) + ":" + name;
    }

    /// <summary>The name BuildKit gives the file an ADD of <paramref name="uri"/> downloads.</summary>
    internal const string UnnamedFile = "__unnamed__";

    /// <summary>
    /// The downloaded file's name: the last segment of the URL's path (trailing slashes ignored, percent-escapes
    /// decoded), or <see cref="UnnamedFile"/> when there is none or it is "." or "..".
    /// </summary>
    internal static string FileName(Uri uri)
    {
        string name = Path.GetFileName(Uri.UnescapeDataString(uri.AbsolutePath.TrimEnd('/')));
        return name.Length == 0 || name is "." or ".." ? UnnamedFile : name;
    }
}
