using System.Collections.Concurrent;

namespace PsContainers.Core.Registry;

/// <summary>
/// Bearer tokens cached per (realm, service, user, scope) until shortly before they expire.
/// Thread-safe; shared by every client of the process so repeated pulls reuse tokens.
/// </summary>
public sealed class TokenCache
{
    public static readonly TokenCache Shared = new();

    private readonly ConcurrentDictionary<string, (string Token, DateTimeOffset Expires)> _tokens = new();
    private readonly Func<DateTimeOffset> _clock;

    public TokenCache(Func<DateTimeOffset>? clock = null) { _clock = clock ?? (() => DateTimeOffset.UtcNow); }

    public static string Key(string realm, string? service, string? user, string scope) =>
        $"{realm}\n{service}\n{user}\n{scope}";

    /// <summary>Remember a token. <paramref name="expiresIn"/> defaults to 60 s per the token spec; a
    /// small margin is taken off so a token is not used right as it expires.</summary>
    public void Put(string key, string token, int? expiresIn, DateTimeOffset? issuedAt = null)
    {
        int secs = expiresIn is int e && e > 0 ? e : 60;
        var start = issuedAt is DateTimeOffset ia && ia <= _clock() ? ia : _clock();
        var margin = TimeSpan.FromSeconds(Math.Min(10, secs / 10.0));
        _tokens[key] = (token, start + TimeSpan.FromSeconds(secs) - margin);
    }

    public bool TryGet(string key, out string token)
    {
        if (_tokens.TryGetValue(key, out var t) && t.Expires > _clock()) { token = t.Token; return true; }
        _tokens.TryRemove(key, out _);
        token = "";
        return false;
    }

    public void Invalidate(string key) => _tokens.TryRemove(key, out _);
    public void Clear() => _tokens.Clear();
    public int Count => _tokens.Count;
}
