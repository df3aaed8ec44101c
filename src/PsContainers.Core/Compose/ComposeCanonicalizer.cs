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
            foreach (var (name, s) in services.Map)
                if (s.IsMapping) Service(name, s, baseDirectory, home);
        foreach (var section in new[] { "networks", "volumes" })
            if (root[section] is { IsMapping: true } m)
                foreach (var (_, n) in m.Map)
                    if (n.IsMapping) KeyValues(n, "labels", '=');
        foreach (var section in new[] { "secrets", "configs" })
            if (root[section] is { IsMapping: true } m)
                foreach (var (_, n) in m.Map)
                    if (n["file"] is { IsScalar: true } f) n.Set("file", Retag(f.NewScalar(Absolute(f.Value!, baseDirectory)), f));
    }

    private static void Service(string name, ComposeNode s, string dir, string home)
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
                if (p.IsScalar) foreach (var lp in ShortPort(p, name)) list.Add(lp);
                else list.Add(p);
            s.Set("ports", list);
        }
        if (s["volumes"] is { IsSequence: true } vols)
        {
            var list = Retag(vols.NewSequence(), vols);
            foreach (var v in vols.Items)
            {
                var lv = v.IsScalar ? ShortVolume(v, name) : v;
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

    /// <summary>
    /// The long form of a short port entry (compose-spec "ports" short syntax, which is docker's -p syntax), parsed by
    /// the engine's one port parser (<see cref="Networking.PortParser"/>): one entry per container port, with
    /// <c>target</c>, <c>published</c> (a port, a range for one container port, or none), <c>host_ip</c> as written
    /// (without brackets), <c>protocol</c> and <c>mode: ingress</c>.
    /// </summary>
    /// <exception cref="PscException">ComposeInvalid (InvalidArgument) naming file:line, the service and the key, with
    /// the engine's InvalidPortSpec message (and that error as the inner exception).</exception>
    internal static IEnumerable<ComposeNode> ShortPort(ComposeNode p, string service)
    {
        string text = p.Value!;
        List<Networking.PortMapping> mappings;
        string hostIp;
        try
        {
            mappings = Networking.PortParser.Parse(text);
            hostIp = Networking.PortParser.Split(text).HostIp;
        }
        catch (PscException e) when (e.ErrorId == ErrorIds.InvalidPortSpec)
        {
            throw Refused(p, service, "ports", e);
        }
        foreach (var m in mappings)
        {
            var n = p.NewMapping().Set("target", p.NewScalar(m.ContainerPort.ToString(System.Globalization.CultureInfo.InvariantCulture), false));
            if (Networking.PortMapping.Asked(m).HostPort is { Length: > 0 } published) n.Set("published", p.NewScalar(published));
            if (hostIp.Length > 0) n.Set("host_ip", p.NewScalar(hostIp));
            n.Set("protocol", p.NewScalar(m.Protocol));
            n.Set("mode", p.NewScalar("ingress"));
            yield return n;
        }
    }

    /// <summary>A value the engine's parser refused, as compose's error: file:line, services.&lt;service&gt;.&lt;key&gt;, the engine's message.</summary>
    private static PscException Refused(ComposeNode at, string service, string key, PscException e) =>
        new InvalidArgumentException(ErrorIds.ComposeInvalid, $"{at.Where}: services.{service}.{key}: {e.Message}", at.Value, e);

    /// <summary>
    /// The long form of a short volume entry <c>source:target[:options]</c> or <c>target</c> (compose-spec "volumes"
    /// short syntax, docker's -v syntax), parsed by the engine's one -Volume parser
    /// (<see cref="Volumes.MountParser.ParseVolume"/>): a source starting with '/', '.' or '~' is a bind (made absolute
    /// against the project directory afterwards, with <c>bind.create_host_path: true</c> as docker compose sets it),
    /// any other a volume key of the project (named afterwards), none an anonymous volume; ro becomes
    /// <c>read_only</c>, z/Z <c>bind.selinux</c>, a propagation mode <c>bind.propagation</c>, nocopy <c>volume.nocopy</c>.
    /// </summary>
    /// <exception cref="PscException">ComposeInvalid (InvalidArgument) naming file:line, the service and the key, with
    /// the engine's InvalidVolume/InvalidVolumeName message (and that error as the inner exception).</exception>
    internal static ComposeNode ShortVolume(ComposeNode v, string service)
    {
        Volumes.MountRequest r;
        try { r = Volumes.MountParser.ParseVolume(v.Value!); }
        catch (PscException e) when (e.ErrorId is ErrorIds.InvalidVolume or ErrorIds.InvalidVolumeName)
        {
            throw Refused(v, service, "volumes", e);
        }
        bool bind = r.Type == Containers.MountKind.Bind;
        var m = v.NewMapping().Set("type", v.NewScalar(bind ? "bind" : "volume"));
        if (r.Source is not null) m.Set("source", v.NewScalar(r.Source));
        m.Set("target", v.NewScalar(r.Target));
        if (r.ReadOnly) m.Set("read_only", v.NewScalar("true", false));
        if (bind)
        {
            var bindOptions = v.NewMapping();
            if (r.Options.FirstOrDefault() is { } propagation) bindOptions.Set("propagation", v.NewScalar(propagation));
            if (r.SeLinux is { } selinux) bindOptions.Set("selinux", v.NewScalar(selinux));
            bindOptions.Set("create_host_path", v.NewScalar("true", false));
            m.Set("bind", bindOptions);
        }
        if (r.NoCopy) m.Set("volume", v.NewMapping().Set("nocopy", v.NewScalar("true", false)));
        return m;
    }
}
