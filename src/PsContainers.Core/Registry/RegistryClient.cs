using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;

namespace PsContainers.Core.Registry;

/// <summary>
/// The HTTP side of one registry (OCI distribution spec): scheme choice (HTTPS, plain HTTP only for
/// loopback or configured-insecure hosts), /v2/ ping, Bearer/Basic authentication from the
/// WWW-Authenticate challenge with cached tokens, retries with backoff on 5xx/429/408 and network
/// errors (honouring Retry-After), redirects followed by hand so the Authorization header never goes
/// to another host, and registry warnings passed to the progress sink.
/// </summary>
public sealed partial class RegistryClient : IDisposable
{
    /// <summary>Registry as named in references (docker.io, ghcr.io, 127.0.0.1:5000).</summary>
    public string Registry { get; }
    /// <summary>Host contacted (registry-1.docker.io for docker.io, or a mirror).</summary>
    public string Host { get; }
    public RegistryOptions Options { get; }

    private readonly RegistryCredential? _credential;
    private readonly IProgressSink _sink;
    private readonly TokenCache _tokens;
    private readonly HttpClient _http;
    private readonly SemaphoreSlim _pingLock = new(1, 1);
    private readonly ConcurrentDictionary<string, byte> _warned = new();
    private Uri? _base;
    private volatile AuthChallenge? _challenge;

    /// <summary>Test hook: the delay used for backoff and Retry-After (default Task.Delay).</summary>
    internal Func<TimeSpan, CancellationToken, Task> Delay { get; set; } = Task.Delay;
    /// <summary>The waits the client made before retries (for tests and verbose output).</summary>
    public ConcurrentQueue<TimeSpan> RetryWaits { get; } = new();

    public RegistryClient(string registry, RegistryOptions options, RegistryCredential? credential = null,
        IProgressSink? sink = null, TokenCache? tokens = null, string? host = null)
    {
        Registry = registry;
        Host = host ?? (registry == Images.ImageReference.DefaultRegistry ? "registry-1.docker.io" : registry);
        Options = options;
        _credential = credential;
        _sink = sink ?? NullProgressSink.Instance;
        _tokens = tokens ?? TokenCache.Shared;
        var handler = new HttpClientHandler
        {
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            MaxConnectionsPerServer = 16,
            UseCookies = false,
            ServerCertificateCustomValidationCallback = ValidateCertificate,
        };
        _http = new HttpClient(handler, disposeHandler: true) { Timeout = TimeSpan.FromMinutes(10) };
        _http.DefaultRequestHeaders.UserAgent.ParseAdd("PsContainers/0.1");
    }

    public void Dispose() { _http.Dispose(); _pingLock.Dispose(); }

    /// <summary>The base URL after the ping (https://host or http://host).</summary>
    public Uri? BaseUri => _base;
    /// <summary>The authentication challenge the registry answered the ping with (null: none).</summary>
    public AuthChallenge? Challenge => _challenge;

    // ---------------------------------------------------------------- TLS

    private bool ValidateCertificate(HttpRequestMessage req, X509Certificate2? cert, X509Chain? chain, SslPolicyErrors errors)
    {
        if (errors == SslPolicyErrors.None) return true;
        string host = req.RequestUri is { } u ? (u.IsDefaultPort ? u.Host : $"{u.Host}:{u.Port}") : Host;
        if (Options.IsInsecure(host)) return true;
        if (cert is null || (errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0) return false;
        var cas = Options.CaFilesFor(host).ToList();
        if (cas.Count == 0) return false;
        using var custom = new X509Chain();
        custom.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        custom.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        foreach (var f in cas)
        {
            try { custom.ChainPolicy.CustomTrustStore.AddRange(LoadPemCertificates(f)); }
            catch (Exception e) when (e is IOException or System.Security.Cryptography.CryptographicException) { _sink.Warning($"Cannot read CA file '{f}': {e.Message}"); }
        }
        if (chain is not null)
            foreach (var el in chain.ChainElements) custom.ChainPolicy.ExtraStore.Add(el.Certificate);
        return custom.Build(cert);
    }

    private static X509Certificate2Collection LoadPemCertificates(string file)
    {
        var col = new X509Certificate2Collection();
        col.ImportFromPemFile(file);
        return col;
    }

    // ---------------------------------------------------------------- ping and scheme

    /// <summary>GET /v2/: choose the scheme and learn the authentication challenge. Idempotent.</summary>
    public async Task EnsurePingedAsync(CancellationToken ct)
    {
        if (_base is not null) return;
        await _pingLock.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (_base is not null) return;
            var https = new Uri($"https://{Host}/");
            Exception? httpsError = null;
            try
            {
                await PingAtAsync(https, ct).ConfigureAwait(false);
                _base = https;
                return;
            }
            catch (HttpRequestException e) when (!ct.IsCancellationRequested)
            {
                httpsError = e;
            }
            if (!Options.AllowsPlainHttp(Host))
                throw new PscException(ErrorIds.RegistryUnreachable, PscErrorCategory.ConnectionError,
                    $"Cannot reach registry {Host} over HTTPS: {Flatten(httpsError)}" +
                    (httpsError?.InnerException is System.Security.Authentication.AuthenticationException
                        ? $" If it uses a private CA, put it in /etc/containers/certs.d/{Host}/ca.crt (or a directory named in ${RegistryOptions.CertsDirsVariable})."
                        : "") +
                    $" Plain HTTP is used only for loopback addresses and registries listed as insecure (${RegistryOptions.InsecureVariable}, or \"insecure\" in {RegistryOptions.FileName} in the store root).",
                    Host, httpsError);
            var http = new Uri($"http://{Host}/");
            try
            {
                if (await PingAtAsync(http, ct).ConfigureAwait(false) == HttpStatusCode.BadRequest)
                    // "Client sent an HTTP request to an HTTPS server": the HTTPS failure is the real one
                    throw new PscException(ErrorIds.RegistryTlsFailed, PscErrorCategory.SecurityError,
                        $"Cannot connect to registry {Host} over HTTPS: {Flatten(httpsError)}" +
                        $" If it uses a private CA, put it in /etc/containers/certs.d/{Host}/ca.crt (or a directory named in ${RegistryOptions.CertsDirsVariable}).", Host, httpsError);
                _base = http;
            }
            catch (HttpRequestException e) when (!ct.IsCancellationRequested)
            {
                throw new PscException(ErrorIds.RegistryUnreachable, PscErrorCategory.ConnectionError,
                    $"Cannot reach registry {Host}: HTTPS: {Flatten(httpsError)}; HTTP: {Flatten(e)}", Host, e);
            }
        }
        finally { _pingLock.Release(); }
    }

    /// <summary>
    /// The messages of <paramref name="e"/> and its inner exceptions, outermost first, joined by spaces; a message that
    /// another one already holds is left out, so .NET's "Name or service not known (registry-1.docker.io:443)" over
    /// the socket's "Name or service not known" reads once.
    /// </summary>
    internal static string Flatten(Exception? e)
    {
        var parts = new List<string>();
        for (var x = e; x is not null; x = x.InnerException)
        {
            string m = x.Message.Trim();
            if (m.Length == 0 || parts.Any(p => p.Contains(m, StringComparison.Ordinal))) continue;
            parts.RemoveAll(p => m.Contains(p, StringComparison.Ordinal));
            parts.Add(m);
        }
        return string.Join(" ", parts);
    }

    private async Task<HttpStatusCode> PingAtAsync(Uri baseUri, CancellationToken ct)
    {
        for (int attempt = 1; ; attempt++)
        {
            using var req = new HttpRequestMessage(HttpMethod.Get, new Uri(baseUri, "/v2/"));
            using var resp = await _http.SendAsync(req, HttpCompletionOption.ResponseHeadersRead, ct).ConfigureAwait(false);
            EmitWarnings(resp);
            if (resp.StatusCode == HttpStatusCode.Unauthorized)
            {
                var chs = AuthChallenge.Parse(resp.Headers.WwwAuthenticate.Select(h => h.ToString()));
                _challenge = chs.FirstOrDefault(c => c.Scheme is "bearer" or "basic");
                if (_challenge is null)
                    throw new PscException(ErrorIds.RegistryAuthUnsupported, PscErrorCategory.AuthenticationError,
                        $"Registry {Host} asks for an unsupported authentication scheme: {string.Join(", ", resp.Headers.WwwAuthenticate)}", Host);
                return resp.StatusCode;
            }
            if (IsRetryable(resp.StatusCode) && attempt < Options.MaxAttempts)
            {
                await WaitBeforeRetryAsync(resp, attempt, ct).ConfigureAwait(false);
                continue;
            }
            if ((int)resp.StatusCode >= 500)
                throw RegistryErrors.FromResponse(resp.StatusCode, await SafeBody(resp, ct).ConfigureAwait(false), $"Registry {Host} is not available", Host);
            return resp.StatusCode; // 200, or a 404 from registries that do not implement /v2/ themselves
        }
    }

    // ---------------------------------------------------------------- authentication

    /// <summary>
    /// Check that the credentials are accepted: with a Bearer challenge, get a token with them; with
    /// Basic, GET /v2/ with them. Throws PermissionDenied when refused.
    /// </summary>
    public async Task VerifyCredentialsAsync(CancellationToken ct)
    {
        await EnsurePingedAsync(ct).ConfigureAwait(false);
        var ch = _challenge;
        if (ch is null) return; // registry allows anonymous access; nothing to check against
        if (ch.Scheme == "bearer")
        {
            await FetchTokenAsync(ch, "", ct, force: true).ConfigureAwait(false);
            return;
        }
        using var resp = await SendAsync(() => new HttpRequestMessage(HttpMethod.Get, "/v2/"), "", ct).ConfigureAwait(false);
        if (!resp.IsSuccessStatusCode)
            throw RegistryErrors.FromResponse(resp.StatusCode, await SafeBody(resp, ct).ConfigureAwait(false), $"Login to {Registry} failed", Registry);
    }

    private string TokenKey(AuthChallenge ch, string scope) => TokenCache.Key(ch.Realm ?? "", ch.Service, _credential?.UserName, scope);

    private async Task<string> FetchTokenAsync(AuthChallenge ch, string scope, CancellationToken ct, bool force = false)
    {
        string key = TokenKey(ch, scope);
        if (!force && _tokens.TryGet(key, out var cached)) return cached;
        if (string.IsNullOrEmpty(ch.Realm) || !Uri.TryCreate(ch.Realm, UriKind.Absolute, out var realm) || realm.Scheme is not ("https" or "http"))
            throw new PscException(ErrorIds.RegistryAuthInvalid, PscErrorCategory.AuthenticationError, $"Registry {Host} sent a Bearer challenge without a usable realm: {ch}", Host);
        string realmHost = realm.IsDefaultPort ? realm.Host : $"{realm.Host}:{realm.Port}";
        if (_credential is not null && realm.Scheme == "http" && !Options.AllowsPlainHttp(realmHost))
            throw new PscException(ErrorIds.RegistryInsecureTokenRealm, PscErrorCategory.SecurityError,
                $"Registry {Host} asks for credentials to be sent to {realm} over plain HTTP; refused. List {realmHost} as insecure to allow it.", Host);
        var q = new StringBuilder();
        void Add(string k, string v) { q.Append(q.Length == 0 ? "" : "&").Append(k).Append('=').Append(Uri.EscapeDataString(v)); }
        if (!string.IsNullOrEmpty(ch.Service)) Add("service", ch.Service!);
        foreach (var s in scope.Split(' ', StringSplitOptions.RemoveEmptyEntries)) Add("scope", s);
        if (_credential is not null) Add("account", _credential.UserName);
        Add("client_id", "pscontainers");
        var ub = new UriBuilder(realm);
        ub.Query = string.IsNullOrEmpty(realm.Query) ? q.ToString() : realm.Query.TrimStart('?') + "&" + q;
        for (int attempt = 1; ; attempt++)
        {
            using var req = new HttpRequestMessage(HttpMethod.Get, ub.Uri);
            if (_credential is not null) req.Headers.Authorization = new AuthenticationHeaderValue("Basic", _credential.BasicHeaderValue);
            HttpResponseMessage resp;
            try { resp = await _http.SendAsync(req, HttpCompletionOption.ResponseContentRead, ct).ConfigureAwait(false); }
            catch (HttpRequestException e) when (attempt < Options.MaxAttempts && !ct.IsCancellationRequested)
            {
                await BackoffAsync(attempt, null, ct, e.Message).ConfigureAwait(false);
                continue;
            }
            using (resp)
            {
                if (IsRetryable(resp.StatusCode) && attempt < Options.MaxAttempts)
                {
                    await WaitBeforeRetryAsync(resp, attempt, ct).ConfigureAwait(false);
                    continue;
                }
                string body = await resp.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
                if (!resp.IsSuccessStatusCode)
                {
                    var ex = RegistryErrors.FromResponse(resp.StatusCode, body,
                        _credential is null ? $"Anonymous token request to {realm.Host} refused" : $"The credentials for {Registry} were refused by {realm.Host}", Registry);
                    if (resp.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
                        throw new PscException(ex.ErrorId == ErrorIds.RegistryHttpError ? ErrorIds.RegistryUnauthorized : ex.ErrorId, PscErrorCategory.PermissionDenied, ex.Message, Registry);
                    throw ex;
                }
                try
                {
                    using var doc = JsonDocument.Parse(body);
                    var r = doc.RootElement;
                    string? token = r.TryGetProperty("token", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
                    if (string.IsNullOrEmpty(token)) token = r.TryGetProperty("access_token", out var at) && at.ValueKind == JsonValueKind.String ? at.GetString() : null;
                    if (string.IsNullOrEmpty(token)) throw new JsonException("no token or access_token");
                    int? expires = r.TryGetProperty("expires_in", out var e) && e.ValueKind == JsonValueKind.Number ? e.GetInt32() : null;
                    DateTimeOffset? issued = r.TryGetProperty("issued_at", out var ia) && ia.ValueKind == JsonValueKind.String && DateTimeOffset.TryParse(ia.GetString(), out var iad) ? iad : null;
                    _tokens.Put(key, token!, expires, issued);
                    return token!;
                }
                catch (JsonException e)
                {
                    throw new PscException(ErrorIds.RegistryTokenInvalid, PscErrorCategory.AuthenticationError, $"The token server {realm.Host} sent an unusable answer: {e.Message}", Registry);
                }
            }
        }
    }

    private async Task ApplyAuthAsync(HttpRequestMessage req, string scope, CancellationToken ct)
    {
        var ch = _challenge;
        if (ch is null) return;
        if (ch.Scheme == "bearer")
            req.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await FetchTokenAsync(ch, scope, ct).ConfigureAwait(false));
        else if (ch.Scheme == "basic" && _credential is not null)
            req.Headers.Authorization = new AuthenticationHeaderValue("Basic", _credential.BasicHeaderValue);
    }

    // ---------------------------------------------------------------- sending

    internal static bool IsRetryable(HttpStatusCode s) => (int)s is 429 or 408 or 500 or 502 or 503 or 504;

    /// <summary>Retry-After (delta seconds or an HTTP date), or null.</summary>
    internal static TimeSpan? RetryAfter(HttpResponseMessage resp)
    {
        var ra = resp.Headers.RetryAfter;
        if (ra is null) return null;
        if (ra.Delta is TimeSpan d) return d < TimeSpan.Zero ? TimeSpan.Zero : d;
        if (ra.Date is DateTimeOffset when) { var w = when - DateTimeOffset.UtcNow; return w < TimeSpan.Zero ? TimeSpan.Zero : w; }
        return null;
    }

    internal static TimeSpan Backoff(int attempt) => TimeSpan.FromMilliseconds(Math.Min(8000, 250 * Math.Pow(2, attempt - 1)) * (0.8 + Random.Shared.NextDouble() * 0.4));

    private async Task WaitBeforeRetryAsync(HttpResponseMessage resp, int attempt, CancellationToken ct)
    {
        var ra = RetryAfter(resp);
        if (ra is TimeSpan r && r > TimeSpan.FromSeconds(Options.MaxRetryAfterSeconds))
            throw RegistryErrors.FromResponse(resp.StatusCode, await SafeBody(resp, ct).ConfigureAwait(false),
                $"Registry {Host} asks to retry after {r.TotalSeconds:0} s, longer than the {Options.MaxRetryAfterSeconds} s allowed", resp.RequestMessage?.RequestUri?.ToString());
        await BackoffAsync(attempt, ra, ct, $"HTTP {(int)resp.StatusCode}").ConfigureAwait(false);
    }

    private async Task BackoffAsync(int attempt, TimeSpan? retryAfter, CancellationToken ct, string why)
    {
        var wait = retryAfter ?? Backoff(attempt);
        RetryWaits.Enqueue(wait);
        _sink.Verbose($"{Host}: {why}; retrying in {wait.TotalSeconds:0.0} s (attempt {attempt + 1} of {Options.MaxAttempts}).");
        await Delay(wait, ct).ConfigureAwait(false);
    }

    private void EmitWarnings(HttpResponseMessage resp)
    {
        if (!resp.Headers.TryGetValues("Warning", out var vals)) return;
        foreach (var w in RegistryErrors.ParseWarnings(vals))
            if (_warned.TryAdd(w, 0)) _sink.Warning($"{Registry}: {w}");
    }

    private static async Task<string?> SafeBody(HttpResponseMessage resp, CancellationToken ct)
    {
        try
        {
            var bytes = await resp.Content.ReadAsByteArrayAsync(ct).ConfigureAwait(false);
            return Encoding.UTF8.GetString(bytes, 0, Math.Min(bytes.Length, 64 * 1024));
        }
        catch (Exception e) when (e is HttpRequestException or IOException) { return null; }
    }

    private bool SameHost(Uri u) =>
        _base is not null && string.Equals(u.Host, _base.Host, StringComparison.OrdinalIgnoreCase) && u.Port == _base.Port;

    /// <summary>
    /// Send a request built by <paramref name="make"/> (called again for each retry; relative URIs are
    /// resolved against the registry). Handles 401 (authenticate once and resend), retries, redirects.
    /// The caller disposes the response and checks its status.
    /// </summary>
    public async Task<HttpResponseMessage> SendAsync(Func<HttpRequestMessage> make, string scope, CancellationToken ct,
        HttpCompletionOption completion = HttpCompletionOption.ResponseHeadersRead)
    {
        await EnsurePingedAsync(ct).ConfigureAwait(false);
        bool reauthed = false;
        for (int attempt = 1; ; attempt++)
        {
            var req = make();
            if (req.RequestUri is null || !req.RequestUri.IsAbsoluteUri) req.RequestUri = new Uri(_base!, req.RequestUri?.OriginalString ?? "/");
            if (SameHost(req.RequestUri)) await ApplyAuthAsync(req, scope, ct).ConfigureAwait(false);
            HttpResponseMessage resp;
            try
            {
                resp = await SendFollowingRedirectsAsync(req, completion, ct).ConfigureAwait(false);
            }
            catch (HttpRequestException e) when (attempt < Options.MaxAttempts && !ct.IsCancellationRequested)
            {
                await BackoffAsync(attempt, null, ct, Flatten(e)).ConfigureAwait(false);
                continue;
            }
            catch (HttpRequestException e) when (!ct.IsCancellationRequested)
            {
                throw new PscException(ErrorIds.RegistryConnectionFailed, PscErrorCategory.ConnectionError, $"{req.Method} {req.RequestUri}: {Flatten(e)}", Registry, e);
            }
            finally { req.Dispose(); }
            EmitWarnings(resp);
            if (resp.StatusCode == HttpStatusCode.Unauthorized && !reauthed)
            {
                var chs = AuthChallenge.Parse(resp.Headers.WwwAuthenticate.Select(h => h.ToString()));
                var ch = chs.FirstOrDefault(c => c.Scheme is "bearer" or "basic");
                if (ch is not null)
                {
                    reauthed = true;
                    var old = _challenge;
                    _challenge = ch;
                    if (old is not null && old.Scheme == "bearer") _tokens.Invalidate(TokenKey(old, scope));
                    if (ch.Scheme == "bearer" && ch.Scope is { Length: > 0 } need)
                    {
                        var merged = scope.Split(' ', StringSplitOptions.RemoveEmptyEntries).Concat(need.Split(' ', StringSplitOptions.RemoveEmptyEntries)).Distinct();
                        scope = string.Join(' ', merged);
                    }
                    if (ch.Scheme == "bearer") _tokens.Invalidate(TokenKey(ch, scope));
                    if (ch.Scheme == "bearer" || _credential is not null)
                    {
                        resp.Dispose();
                        attempt--;
                        continue;
                    }
                }
            }
            if (IsRetryable(resp.StatusCode) && attempt < Options.MaxAttempts)
            {
                try { await WaitBeforeRetryAsync(resp, attempt, ct).ConfigureAwait(false); }
                finally { resp.Dispose(); }
                continue;
            }
            return resp;
        }
    }

    private async Task<HttpResponseMessage> SendFollowingRedirectsAsync(HttpRequestMessage first, HttpCompletionOption completion, CancellationToken ct)
    {
        var resp = await _http.SendAsync(first, completion, ct).ConfigureAwait(false);
        var current = first;
        for (int hops = 0; IsRedirect(resp.StatusCode) && resp.Headers.Location is not null; hops++)
        {
            if (hops >= 10)
            {
                resp.Dispose();
                throw new PscException(ErrorIds.RegistryTooManyRedirects, PscErrorCategory.ProtocolError, $"{first.RequestUri}: more than 10 redirects.", Registry);
            }
            if (current.Method != HttpMethod.Get && current.Method != HttpMethod.Head) break; // uploads: the caller sees the 3xx
            var target = new Uri(current.RequestUri!, resp.Headers.Location);
            var next = new HttpRequestMessage(current.Method, target);
            foreach (var h in current.Headers)
            {
                if (h.Key.Equals("Authorization", StringComparison.OrdinalIgnoreCase) &&
                    !(string.Equals(target.Host, current.RequestUri!.Host, StringComparison.OrdinalIgnoreCase) && target.Port == current.RequestUri.Port))
                    continue; // never leak credentials to another host (signed storage URLs)
                if (h.Key.Equals("Host", StringComparison.OrdinalIgnoreCase)) continue;
                next.Headers.TryAddWithoutValidation(h.Key, h.Value);
            }
            resp.Dispose();
            if (!ReferenceEquals(current, first)) current.Dispose();
            current = next;
            resp = await _http.SendAsync(current, completion, ct).ConfigureAwait(false);
        }
        return resp;
    }

    private static bool IsRedirect(HttpStatusCode s) => (int)s is 301 or 302 or 303 or 307 or 308;

    internal static async Task<PscException> ErrorAsync(HttpResponseMessage resp, string what, object? target, CancellationToken ct) =>
        RegistryErrors.FromResponse(resp.StatusCode, await SafeBody(resp, ct).ConfigureAwait(false), what, target);

    // ---------------------------------------------------------------- scopes

    public static string PullScope(string repository) => $"repository:{repository}:pull";
    public static string PushScope(string repository) => $"repository:{repository}:pull,push";
}
