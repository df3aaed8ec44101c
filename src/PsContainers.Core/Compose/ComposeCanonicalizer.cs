namespace PsContainers.Core.Compose;

/// <summary>
/// Brings one interpolated compose file into the shape merging needs, before any merge (compose-go
/// <c>transform</c> and <c>paths</c>): key/value lists (<c>environment</c>, <c>labels</c>, <c>annotations</c>,
/// <c>sysctls</c>, <c>extra_hosts</c>, <c>build.args</c>, <c>build.labels</c>, <c>deploy.labels</c>, network and
/// volume labels) become mappings; <c>build</c> as a string becomes <c>{context}</c>; <c>depends_on</c> and service
/// <c>networks</c> lists become mappings; <c>ports</c> and <c>volumes</c> take the long syntax; single strings become
/// lists (<c>dns</c>, <c>dns_search</c>, <c>tmpfs</c>, <c>env_file</c>); and relative paths (bind sources, build
/// contexts, env files, secret and config files, <c>extends.file</c>) become absolute against
/// <paramref name="baseDirectory"/> (a bind source <c>~</c> against <c>home</c>): the project directory for <c>-f</c> files, the file's own directory for
/// <c>extends</c> and <c>include</c> files (merge.md, extends.md). Tags (<c>!reset</c>, <c>!override</c>) are kept.
/// </summary>
internal static class ComposeCanonicalizer
{
    public static void Apply(ComposeNode root, string baseDirectory, string home)
    {
        if (root["services"] is { IsMapping: true } services)
            foreach (var (_, s) in services.Map)
                if (s.IsMapping) Service(s, baseDirectory, home);
        foreach (var section in new[] { "networks", "volumes" })
            if (root[section] is { IsMapping: true } m)
                foreach (var (_, n) in m.Map)
                    if (n.IsMapping) KeyValues(n, "labels", '=');
        foreach (var section in new[] { "secrets", "configs" })
            if (root[section] is { IsMapping: true } m)
                foreach (var (_, n) in m.Map)
                    if (n["file"] is { IsScalar: true } f) n.Set("file", Retag(f.NewScalar(Absolute(f.Value!, baseDirectory)), f));
    }

    private static void Service(ComposeNode s, string dir, string home)
    {
        foreach (var key in new[] { "environment", "labels", "annotations", "sysctls" }) KeyValues(s, key, '=');
        KeyValues(s, "extra_hosts", '=', ':');
        if (s["build"] is { } b)
        {
            if (b.IsScalar) s.Set("build", Retag(b.NewMapping().Set("context", b.NewScalar(b.Value!)), b));
            var build = s["build"]!;
            if (build.IsMapping)
            {
                KeyValues(build, "args", '=');
                KeyValues(build, "labels", '=');
                if (build["context"] is { IsScalar: true } c && !IsRemote(c.Value!))
                    build.Set("context", Retag(c.NewScalar(Absolute(c.Value!, dir)), c));
                else if (build["context"] is null)
                    build.Set("context", build.NewScalar(dir));
            }
        }
        if (s["deploy"] is { IsMapping: true } deploy) KeyValues(deploy, "labels", '=');
        if (s["depends_on"] is { IsSequence: true } deps)
        {
            var m = Retag(deps.NewMapping(), deps);
            foreach (var d in deps.Items)
                if (d.IsScalar) m.Set(d.Value!, d.NewMapping().Set("condition", d.NewScalar("service_started")).Set("required", d.NewScalar("true", false)));
            s.Set("depends_on", m);
        }
        if (s["networks"] is { IsSequence: true } nets)
        {
            var m = Retag(nets.NewMapping(), nets);
            foreach (var n in nets.Items)
                if (n.IsScalar) m.Set(n.Value!, ComposeNode.Null(n.File, n.Line));
            s.Set("networks", m);
        }
        foreach (var key in new[] { "dns", "dns_search", "tmpfs", "env_file" })
            if (s[key] is { IsScalar: true } one) s.Set(key, Retag(one.NewSequence().Add(one.NewScalar(one.Value!)), one));
        if (s["env_file"] is { IsSequence: true } envFiles)
            for (int i = 0; i < envFiles.Items.Count; i++)
            {
                var e = envFiles.Items[i];
                if (e.IsScalar)
                    envFiles.Items[i] = e.NewMapping().Set("path", e.NewScalar(Absolute(e.Value!, dir))).Set("required", e.NewScalar("true", false));
                else if (e["path"] is { IsScalar: true } p)
                    e.Set("path", p.NewScalar(Absolute(p.Value!, dir)));
            }
        if (s["ports"] is { IsSequence: true } ports)
        {
            var list = Retag(ports.NewSequence(), ports);
            foreach (var p in ports.Items)
                if (p.IsScalar) foreach (var lp in PortParser(p)) list.Add(lp);
                else list.Add(p);
            s.Set("ports", list);
        }
        if (s["volumes"] is { IsSequence: true } vols)
        {
            var list = Retag(vols.NewSequence(), vols);
            foreach (var v in vols.Items)
            {
                var lv = v.IsScalar ? ShortVolume(v) : v;
                if (lv["type"]?.Value == "bind" && lv["source"] is { IsScalar: true } src)
                    lv.Set("source", src.NewScalar(Absolute(src.Value!, dir, home)));
                list.Add(Retag(lv, v));
            }
            s.Set("volumes", list);
        }
        foreach (var key in new[] { "secrets", "configs" })
            if (s[key] is { IsSequence: true } refs)
                for (int i = 0; i < refs.Items.Count; i++)
                    if (refs.Items[i] is { IsScalar: true } r) refs.Items[i] = r.NewMapping().Set("source", r.NewScalar(r.Value!));
        if (s["extends"] is { IsMapping: true } ext && ext["file"] is { IsScalar: true } ef)
            ext.Set("file", ef.NewScalar(Absolute(ef.Value!, dir)));
    }

    private static ComposeNode Retag(ComposeNode made, ComposeNode from)
    {
        made.Tag = from.Tag;
        return made;
    }

    /// <summary>A <c>K=V</c> / <c>K</c> list at <paramref name="key"/> of <paramref name="parent"/> as a mapping (a bare K maps to null).</summary>
    private static void KeyValues(ComposeNode parent, string key, params char[] separators)
    {
        if (parent[key] is not { IsSequence: true } list) return;
        var m = Retag(list.NewMapping(), list);
        foreach (var item in list.Items)
        {
            if (!item.IsScalar)
                throw PscException.InvalidData(ErrorIds.ComposeInvalid, $"{item.Where}: each entry of '{key}' must be a string KEY=VALUE");
            string t = item.Value!;
            int at = t.IndexOfAny(separators);
            if (key == "extra_hosts" && at >= 0 && t[at] == ':' && t.IndexOf('=') < 0) at = t.IndexOf(':');
            m.Set(at < 0 ? t : t[..at], at < 0 ? ComposeNode.Null(item.File, item.Line) : item.NewScalar(t[(at + 1)..]));
        }
        parent.Set(key, m);
    }

    internal static bool IsRemote(string context) =>
        context.Contains("://", StringComparison.Ordinal) || context.StartsWith("git@", StringComparison.Ordinal) || context.StartsWith("github.com/", StringComparison.Ordinal);

    /// <summary><paramref name="path"/> made absolute against <paramref name="dir"/>; <c>~</c> is the home directory.</summary>
    internal static string Absolute(string path, string dir, string? home = null)
    {
        if (home is not null && (path == "~" || path.StartsWith("~/", StringComparison.Ordinal)))
            path = Path.Join(home, path.Length > 1 ? path[2..] : "");
        var full = Path.GetFullPath(path, dir);
        return full.Length > 1 ? full.TrimEnd('/') : full;
    }

    /// <summary>The long form of a short port entry <c>[ip:][host[-range]:]container[-range][/proto]</c>.</summary>
    internal static IEnumerable<ComposeNode> PortParser(ComposeNode p)
    {
        string text = p.Value!;
        string protocol = "tcp";
        int slash = text.LastIndexOf('/');
        if (slash >= 0) { protocol = text[(slash + 1)..]; text = text[..slash]; }
        string? ip = null;
        if (text.StartsWith('['))
        {
            int close = text.IndexOf(']');
            if (close < 0 || close + 1 >= text.Length || text[close + 1] != ':') throw BadPort(p);
            ip = text[1..close];
            text = text[(close + 2)..];
        }
        string[] parts = text.Split(':');
        if (ip is null && parts.Length > 3)
        {
            // an unbracketed IPv6 address: everything before the last two parts
            ip = string.Join(':', parts[..^2]);
            parts = parts[^2..];
        }
        string? published, container;
        switch (parts.Length)
        {
            case 1: published = null; container = parts[0]; break;
            case 2: published = parts[0]; container = parts[1]; break;
            case 3: ip ??= parts[0]; published = parts[1]; container = parts[2]; break;
            default: throw BadPort(p);
        }
        if (ip is "") ip = null;
        if (published is "") published = null;
        var (cLow, cHigh) = Range(container, p);
        var hostRange = published is null ? ((int, int)?)null : Range(published, p);
        int count = cHigh - cLow + 1;
        if (hostRange is (int hl, int hh) && hh - hl + 1 != count && count != 1) throw BadPort(p);
        for (int i = 0; i < count; i++)
        {
            var m = p.NewMapping().Set("target", p.NewScalar((cLow + i).ToString(), false));
            string? pub = hostRange switch
            {
                null => null,
                (int lo, int hi) when count == 1 => lo == hi ? lo.ToString() : $"{lo}-{hi}",
                (int lo, _) => (lo + i).ToString(),
            };
            if (pub is not null) m.Set("published", p.NewScalar(pub));
            if (ip is not null) m.Set("host_ip", p.NewScalar(ip));
            m.Set("protocol", p.NewScalar(protocol));
            m.Set("mode", p.NewScalar("ingress"));
            yield return m;
        }
    }

    private static (int, int) Range(string text, ComposeNode p)
    {
        int dash = text.IndexOf('-');
        if (dash < 0) return (Port(text, p), Port(text, p));
        int lo = Port(text[..dash], p), hi = Port(text[(dash + 1)..], p);
        if (hi < lo) throw BadPort(p);
        return (lo, hi);
    }

    private static int Port(string text, ComposeNode p) =>
        int.TryParse(text, System.Globalization.NumberStyles.None, null, out int v) && v is >= 0 and <= 65535 ? v : throw BadPort(p);

    private static PscException BadPort(ComposeNode p) =>
        PscException.InvalidArgument(ErrorIds.ComposeInvalid, $"{p.Where}: '{p.Value}' is not a port: use [ip:][host[-range]:]container[-range][/protocol]", p.Value);

    /// <summary>The long form of a short volume entry <c>src:dst[:opts]</c> or <c>dst</c>.</summary>
    internal static ComposeNode ShortVolume(ComposeNode v)
    {
        string[] parts = v.Value!.Split(':');
        var m = v.NewMapping();
        if (parts.Length == 1)
        {
            m.Set("type", v.NewScalar("volume")).Set("target", v.NewScalar(parts[0]));
            return m;
        }
        if (parts.Length > 3 || parts[0].Length == 0 || parts[1].Length == 0)
            throw PscException.InvalidArgument(ErrorIds.ComposeInvalid, $"{v.Where}: '{v.Value}' is not a volume: use source:target[:options]", v.Value);
        string src = parts[0];
        bool bind = src[0] is '.' or '/' or '~';
        m.Set("type", v.NewScalar(bind ? "bind" : "volume")).Set("source", v.NewScalar(src)).Set("target", v.NewScalar(parts[1]));
        var bindOptions = v.NewMapping();
        if (parts.Length == 3)
            foreach (var opt in parts[2].Split(','))
                switch (opt)
                {
                    case "ro": m.Set("read_only", v.NewScalar("true", false)); break;
                    case "rw": break;
                    case "z" or "Z": bindOptions.Set("selinux", v.NewScalar(opt)); break;
                    case "nocopy": m.Set("volume", v.NewMapping().Set("nocopy", v.NewScalar("true", false))); break;
                    case "shared" or "rshared" or "slave" or "rslave" or "private" or "rprivate":
                        bindOptions.Set("propagation", v.NewScalar(opt)); break;
                    default:
                        throw PscException.InvalidArgument(ErrorIds.ComposeInvalid, $"{v.Where}: unknown volume option '{opt}' in '{v.Value}'", v.Value);
                }
        if (bind)
        {
            bindOptions.Set("create_host_path", v.NewScalar("true", false));
            m.Set("bind", bindOptions);
        }
        return m;
    }
}
