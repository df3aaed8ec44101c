using System.Globalization;
using PsContainers.Contract;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace PsContainers.Core.Compose;

/// <summary>
/// Writes a loaded project as a normalized compose file, the way <c>docker compose config</c> prints it: the project
/// <c>name</c>, the enabled services in the long syntax with absolute paths and <c>env_file</c> already folded into
/// <c>environment</c>, the networks (with the implicit <c>default</c>), volumes, secrets and configs with their engine
/// names. Every literal <c>$</c> is written <c>$$</c> (docker/compose#8632), so the output is itself a valid compose
/// file that loads back to the same model (the services' profiles must be active again to load them). A project loaded
/// with <see cref="ContainerProject.NoInterpolate"/> holds the text as written (<c>${GREETING:-hi}</c>, <c>$$X</c>), so
/// it is written as it is, as <c>docker compose config --no-interpolate</c> prints it.
/// </summary>
public static class ComposeYamlWriter
{
    /// <summary>The normalized YAML of <paramref name="project"/>.</summary>
    public static string Write(ContainerProject project)
    {
        bool e = !project.NoInterpolate;
        var root = ComposeNode.Mapping();
        root.Set("name", S(project.Name, e));
        var services = ComposeNode.Mapping();
        foreach (var s in project.Services.OrderBy(s => s.Name, StringComparer.Ordinal)) services.Set(s.Name, ServiceNode(s, escape: e));
        root.Set("services", services);
        Section(root, "networks", project.Networks, n => n.Key, n => NetworkNode(n, e));
        Section(root, "volumes", project.Volumes, v => v.Key, v =>
        {
            var vn = Resource(v.Name, v.Driver, v.DriverOptions, v.External, e);
            Map(vn, "labels", v.Labels, e);
            return vn;
        });
        Section(root, "secrets", project.Secrets, x => x.Key, x => SecretNode(x, e));
        Section(root, "configs", project.Configs, x => x.Key, x => SecretNode(x, e));
        return Emit(root);
    }

    /// <summary>The normalized service as a tree (<paramref name="escape"/>: write <c>$</c> as <c>$$</c>).</summary>
    internal static ComposeNode ServiceNode(ContainerProjectService s, bool escape)
    {
        bool e = escape;
        var n = ComposeNode.Mapping();
        if (s.Build is { } b)
        {
            var bn = ComposeNode.Mapping().Set("context", S(b.Context, e));
            Opt(bn, "dockerfile", b.Dockerfile, e);
            Opt(bn, "dockerfile_inline", b.DockerfileInline, e);
            if (b.Args.Count > 0)
            {
                var am = ComposeNode.Mapping();
                foreach (var (k, v) in b.Args.OrderBy(kv => kv.Key, StringComparer.Ordinal)) am.Set(k, v is null ? ComposeNode.Null() : S(v, e));
                bn.Set("args", am);
            }
            Opt(bn, "target", b.Target, e);
            Map(bn, "labels", b.Labels, e);
            Map(bn, "additional_contexts", b.AdditionalContexts, e);
            List(bn, "platforms", b.Platforms, e);
            List(bn, "tags", b.Tags, e);
            Opt(bn, "network", b.Network, e);
            if (b.NoCache) bn.Set("no_cache", B(true));
            if (b.Pull) bn.Set("pull", B(true));
            n.Set("build", bn);
        }
        List(n, "cap_add", s.CapAdd, e);
        List(n, "cap_drop", s.CapDrop, e);
        if (s.Command is not null) n.Set("command", Seq(s.Command, e));
        if (s.Configs.Count > 0) n.Set("configs", Refs(s.Configs, e));
        Opt(n, "container_name", s.ContainerName, e);
        if (s.Resources.CpuShares is long shares) n.Set("cpu_shares", I(shares));
        Opt(n, "cpuset", s.Resources.Cpuset, e);
        if (s.DependsOn.Count > 0)
        {
            var dm = ComposeNode.Mapping();
            foreach (var d in s.DependsOn)
                dm.Set(d.Service, ComposeNode.Mapping().Set("condition", S(d.Condition, e)).Set("required", B(d.Required)).Set("restart", B(d.Restart)));
            n.Set("depends_on", dm);
        }
        var res = s.Resources;
        bool deploy = res.CpuLimit is not null || res.MemoryLimit is not null || res.PidsLimit is not null || res.CpuReservation is not null || res.MemoryReservation is not null;
        if (deploy || s.Scale != 1)
        {
            var dn = ComposeNode.Mapping();
            if (s.Scale != 1) dn.Set("replicas", I(s.Scale));
            if (deploy)
            {
                var rn = ComposeNode.Mapping();
                var lim = ComposeNode.Mapping();
                if (res.CpuLimit is double c) lim.Set("cpus", F(c));
                if (res.MemoryLimit is long m) lim.Set("memory", I(m));
                if (res.PidsLimit is long p) lim.Set("pids", I(p));
                if (lim.Map.Count > 0) rn.Set("limits", lim);
                var rv = ComposeNode.Mapping();
                if (res.CpuReservation is double rc) rv.Set("cpus", F(rc));
                if (res.MemoryReservation is long rm) rv.Set("memory", I(rm));
                if (rv.Map.Count > 0) rn.Set("reservations", rv);
                dn.Set("resources", rn);
            }
            n.Set("deploy", dn);
        }
        List(n, "devices", s.Devices, e);
        List(n, "dns", s.Dns, e);
        List(n, "dns_opt", s.DnsOpt, e);
        List(n, "dns_search", s.DnsSearch, e);
        Opt(n, "domainname", s.DomainName, e);
        if (s.Entrypoint is not null) n.Set("entrypoint", Seq(s.Entrypoint, e));
        Map(n, "environment", s.Environment, e);
        List(n, "expose", s.Expose, e);
        if (s.ExtraHosts.Count > 0) n.Set("extra_hosts", Seq(s.ExtraHosts, e));
        List(n, "group_add", s.GroupAdd, e);
        if (s.Healthcheck is { } h)
        {
            var hn = ComposeNode.Mapping();
            if (h.Test is not null) hn.Set("test", Seq(h.Test, e));
            if (h.Interval is TimeSpan i) hn.Set("interval", S(GoDuration.Format(i), false));
            if (h.Timeout is TimeSpan t) hn.Set("timeout", S(GoDuration.Format(t), false));
            if (h.Retries is int r) hn.Set("retries", I(r));
            if (h.StartPeriod is TimeSpan sp) hn.Set("start_period", S(GoDuration.Format(sp), false));
            if (h.StartInterval is TimeSpan si) hn.Set("start_interval", S(GoDuration.Format(si), false));
            if (h.Disable) hn.Set("disable", B(true));
            n.Set("healthcheck", hn);
        }
        Opt(n, "hostname", s.Hostname, e);
        Opt(n, "image", s.Image, e);
        if (s.Init is bool init) n.Set("init", B(init));
        Map(n, "annotations", s.Annotations, e);
        Map(n, "labels", s.Labels, e);
        if (s.Resources.MemorySwapLimit is long swap) n.Set("memswap_limit", I(swap));
        Opt(n, "network_mode", s.NetworkMode, e);
        if (s.Networks.Count > 0)
        {
            var nm = ComposeNode.Mapping();
            foreach (var net in s.Networks)
            {
                var nn = ComposeNode.Mapping();
                List(nn, "aliases", net.Aliases, e);
                Opt(nn, "ipv4_address", net.Ipv4Address, e);
                Opt(nn, "ipv6_address", net.Ipv6Address, e);
                Opt(nn, "mac_address", net.MacAddress, e);
                if (net.Priority != 0) nn.Set("priority", I(net.Priority));
                nm.Set(net.Name, nn.Map.Count == 0 ? ComposeNode.Null() : nn);
            }
            n.Set("networks", nm);
        }
        Opt(n, "platform", s.Platform, e);
        if (s.Ports.Count > 0)
        {
            var pl = ComposeNode.Sequence();
            foreach (var p in s.Ports)
            {
                var pn = ComposeNode.Mapping();
                Opt(pn, "name", p.Name, e);
                pn.Set("mode", S(p.Mode, e)).Set("target", I(p.Target));
                Opt(pn, "published", p.Published, e);
                Opt(pn, "host_ip", p.HostIp, e);
                pn.Set("protocol", S(p.Protocol, e));
                Opt(pn, "app_protocol", p.AppProtocol, e);
                pl.Add(pn);
            }
            n.Set("ports", pl);
        }
        if (s.Privileged) n.Set("privileged", B(true));
        List(n, "profiles", s.Profiles, e);
        Opt(n, "pull_policy", s.PullPolicy?.ToString(), e);
        if (s.ReadOnly) n.Set("read_only", B(true));
        Opt(n, "restart", s.Restart?.ToString(), e);
        if (s.Secrets.Count > 0) n.Set("secrets", Refs(s.Secrets, e));
        List(n, "security_opt", s.SecurityOpt, e);
        if (s.ShmSize is long shm) n.Set("shm_size", I(shm));
        if (s.StdinOpen) n.Set("stdin_open", B(true));
        if (s.StopGracePeriod is TimeSpan g) n.Set("stop_grace_period", S(GoDuration.Format(g), false));
        Opt(n, "stop_signal", s.StopSignal, e);
        Map(n, "sysctls", s.Sysctls, e);
        List(n, "tmpfs", s.Tmpfs, e);
        if (s.Tty) n.Set("tty", B(true));
        if (s.Ulimits.Count > 0)
        {
            var um = ComposeNode.Mapping();
            foreach (var u in s.Ulimits) um.Set(u.Name, ComposeNode.Mapping().Set("soft", I(u.Soft)).Set("hard", I(u.Hard)));
            n.Set("ulimits", um);
        }
        Opt(n, "user", s.User, e);
        if (s.Volumes.Count > 0)
        {
            var vl = ComposeNode.Sequence();
            foreach (var v in s.Volumes)
            {
                var vn = ComposeNode.Mapping().Set("type", S(v.Type, e));
                Opt(vn, "source", v.Source, e);
                vn.Set("target", S(v.Target, e));
                if (v.ReadOnly) vn.Set("read_only", B(true));
                var bn = ComposeNode.Mapping();
                if (v.CreateHostPath is bool ch) bn.Set("create_host_path", B(ch));
                Opt(bn, "propagation", v.Propagation, e);
                Opt(bn, "selinux", v.SeLinux, e);
                if (bn.Map.Count > 0) vn.Set("bind", bn);
                var von = ComposeNode.Mapping();
                if (v.NoCopy) von.Set("nocopy", B(true));
                Opt(von, "subpath", v.Subpath, e);
                if (von.Map.Count > 0) vn.Set("volume", von);
                var tn = ComposeNode.Mapping();
                if (v.TmpfsSize is long size) tn.Set("size", I(size));
                if (v.TmpfsMode is int mode) tn.Set("mode", S("0" + System.Convert.ToString(mode, 8), false));
                if (tn.Map.Count > 0) vn.Set("tmpfs", tn);
                Opt(vn, "consistency", v.Consistency, e);
                vl.Add(vn);
            }
            n.Set("volumes", vl);
        }
        Opt(n, "working_dir", s.WorkingDir, e);
        return n;
    }

    /// <summary>A top-level section (networks, volumes...) keyed by each item's key; nothing when the list is empty.</summary>
    private static void Section<T>(ComposeNode root, string key, IReadOnlyList<T> items, Func<T, string> keyOf, Func<T, ComposeNode> nodeOf)
    {
        if (items.Count == 0) return;
        var m = ComposeNode.Mapping();
        foreach (var item in items) m.Set(keyOf(item), nodeOf(item));
        root.Set(key, m);
    }

    /// <summary>What networks and volumes share: the engine name, the driver and its options, external.</summary>
    private static ComposeNode Resource(string name, string? driver, IReadOnlyDictionary<string, string> options, bool external, bool e)
    {
        var m = ComposeNode.Mapping().Set("name", S(name, e));
        Opt(m, "driver", driver, e);
        Map(m, "driver_opts", options, e);
        if (external) m.Set("external", B(true));
        return m;
    }

    private static ComposeNode SecretNode(ContainerProjectSecret x, bool e)
    {
        var xn = ComposeNode.Mapping().Set("name", S(x.Name, e));
        Opt(xn, "file", x.File, e);
        Opt(xn, "environment", x.Environment, e);
        Opt(xn, "content", x.Content, e);
        if (x.External) xn.Set("external", B(true));
        Map(xn, "labels", x.Labels, e);
        return xn;
    }

    private static ComposeNode NetworkNode(ContainerProjectNetwork n, bool e)
    {
        var m = Resource(n.Name, n.Driver, n.DriverOptions, n.External, e);
        if (n.Internal) m.Set("internal", B(true));
        if (n.Attachable) m.Set("attachable", B(true));
        if (n.EnableIpv6 is bool v6) m.Set("enable_ipv6", B(v6));
        if (n.Subnets.Count > 0 || n.IpamDriver is not null)
        {
            var ipam = ComposeNode.Mapping();
            Opt(ipam, "driver", n.IpamDriver, e);
            if (n.Subnets.Count > 0)
            {
                var cfg = ComposeNode.Sequence();
                foreach (var sn in n.Subnets)
                {
                    var c = ComposeNode.Mapping().Set("subnet", S(sn.Subnet, e));
                    Opt(c, "ip_range", sn.IpRange, e);
                    Opt(c, "gateway", sn.Gateway, e);
                    cfg.Add(c);
                }
                ipam.Set("config", cfg);
            }
            m.Set("ipam", ipam);
        }
        Map(m, "labels", n.Labels, e);
        return m;
    }

    private static ComposeNode Refs(IEnumerable<ContainerProjectFileReference> refs, bool e)
    {
        var l = ComposeNode.Sequence();
        foreach (var r in refs)
        {
            var rn = ComposeNode.Mapping().Set("source", S(r.Source, e)).Set("target", S(r.Target, e));
            Opt(rn, "uid", r.Uid, e);
            Opt(rn, "gid", r.Gid, e);
            if (r.Mode is int mode) rn.Set("mode", S("0" + System.Convert.ToString(mode, 8), false));
            l.Add(rn);
        }
        return l;
    }

    private static ComposeNode S(string v, bool escape) => ComposeNode.Scalar(escape ? v.Replace("$", "$$") : v, quoted: true);
    private static ComposeNode B(bool v) => ComposeNode.Scalar(v ? "true" : "false");
    private static ComposeNode I(long v) => ComposeNode.Scalar(v.ToString(CultureInfo.InvariantCulture));
    private static ComposeNode F(double v) => ComposeNode.Scalar(v.ToString("R", CultureInfo.InvariantCulture));

    private static ComposeNode Seq(IEnumerable<string> items, bool e)
    {
        var l = ComposeNode.Sequence();
        foreach (var i in items) l.Add(S(i, e));
        return l;
    }

    private static void Opt(ComposeNode m, string key, string? value, bool e)
    {
        if (value is not null) m.Set(key, S(value, e));
    }

    private static void List(ComposeNode m, string key, IReadOnlyList<string> items, bool e)
    {
        if (items.Count > 0) m.Set(key, Seq(items, e));
    }

    private static void Map(ComposeNode m, string key, IReadOnlyDictionary<string, string> map, bool e)
    {
        if (map.Count == 0) return;
        var d = ComposeNode.Mapping();
        foreach (var (k, v) in map.OrderBy(kv => kv.Key, StringComparer.Ordinal)) d.Set(k, S(v, e));
        m.Set(key, d);
    }

    // ---- YAML text ----

    internal static string Emit(ComposeNode root)
    {
        var doc = new YamlDocument(ToYaml(root));
        var stream = new YamlStream(doc);
        using var w = new StringWriter();
        stream.Save(w, assignAnchors: false);
        string text = w.ToString();
        if (text.EndsWith("...\n", StringComparison.Ordinal)) text = text[..^4];
        else if (text.EndsWith("...\r\n", StringComparison.Ordinal)) text = text[..^5];
        return text;
    }

    private static YamlNode ToYaml(ComposeNode n)
    {
        switch (n.Kind)
        {
            case ComposeNodeKind.Mapping:
                var m = new YamlMappingNode();
                foreach (var (k, v) in n.Map) m.Add(new YamlScalarNode(k) { Style = KeyStyle(k) }, ToYaml(v));
                return m;
            case ComposeNodeKind.Sequence:
                var s = new YamlSequenceNode();
                foreach (var i in n.Items) s.Add(ToYaml(i));
                return s;
            case ComposeNodeKind.Null:
                return new YamlScalarNode("null") { Style = ScalarStyle.Plain };
            default:
                return new YamlScalarNode(n.Value) { Style = n.Quoted && NeedsQuotes(n.Value!) ? ScalarStyle.DoubleQuoted : ScalarStyle.Any };
        }
    }

    private static ScalarStyle KeyStyle(string k) => NeedsQuotes(k) ? ScalarStyle.DoubleQuoted : ScalarStyle.Any;

    /// <summary>A string that YAML would read as something else when written plain (null, a boolean, a number, empty, 22:22).</summary>
    private static bool NeedsQuotes(string v) =>
        v.Length == 0 || v.Trim() != v || v.Contains('\n')
        || v is "~" or "null" or "Null" or "NULL" or "true" or "false" or "True" or "False" or "TRUE" or "FALSE"
            or "yes" or "no" or "Yes" or "No" or "YES" or "NO" or "on" or "off" or "On" or "Off" or "ON" or "OFF" or "y" or "n" or "Y" or "N"
        || double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out _)
        || v.Contains(": ") || v.Contains(" #") || v.EndsWith(':') || System.Text.RegularExpressions.Regex.IsMatch(v, @"^[0-9]+(:[0-9]+)+$")
        || v[0] is '0' or '+' or '-' or '.' or '!' or '&' or '*' or '#' or '@' or '`' or '"' or '\'' or '%' or '|' or '>' or '[' or ']' or '{' or '}' or ',' or '?';
}
