using System.Globalization;
using PsContainers.Contract;
using PsContainers.Core.Containers;

namespace PsContainers.Core.Kube;

/// <summary>
/// Turns <see cref="KubeWorkload"/>s into Kubernetes objects (core/v1 Pod, ConfigMap, Secret, PersistentVolumeClaim, Service;
/// apps/v1 Deployment) and writes them as one multi-document YAML text. The mapping follows podman's <c>kube
/// generate</c> (libpod/kube.go) and fixes its known faults (kube-notes 4.1): labels kept, restartPolicy written,
/// the healthcheck as an exec livenessProbe (an httpGet or tcpSocket one for the HTTP-GET and TCP-SOCKET tests
/// Import-ContainerKube makes; startupProbe for a start period), every name valid.
/// <list type="bullet">
/// <item>Names: objects and containers get RFC 1123 labels, Services RFC 1035 labels, claims and ConfigMaps RFC 1123
/// subdomains, ports IANA service names unique in the pod ("tcp-80"); each repair is a warning naming both names.</item>
/// <item>Selector: the label app.kubernetes.io/name = the workload's name (app.kubernetes.io/part-of = the compose
/// project); the workload's own labels are kept, keys and values repaired when invalid.</item>
/// <item>Volumes: a named volume is a persistentVolumeClaim of a PersistentVolumeClaim (ReadWriteOnce,
/// <see cref="KubeGenerateOptions.ClaimSize"/>); an anonymous one an emptyDir; a tmpfs an emptyDir of medium Memory;
/// a bind a hostPath (with a warning).</item>
/// <item>Limits: memory in Ki/Mi/Gi when exact, CPU in millicores; a pids limit has no container field (warning).</item>
/// <item>restartPolicy: no → Never, on-failure → OnFailure, always and unless-stopped → Always; a Deployment is
/// always Always (a warning when the container's policy was on-failure).</item>
/// <item>Every '$' of env values, command and args is doubled: Kubernetes expands $(VAR) there and reads $$ as $.</item>
/// <item>Variables a played container read from a Secret or ConfigMap (<see cref="KubeWorkload.EnvironmentReferences"/>)
/// are written as valueFrom secretKeyRef/configMapKeyRef (one key) or envFrom secretRef/configMapRef (the whole
/// object, with its prefix) to a Secret (data base64) or ConfigMap of the same name, never as literal values; a
/// compose service's env_file is such an object, a ConfigMap per file (kompose's mapping).</item>
/// </list>
/// Document order: PersistentVolumeClaims, ConfigMaps, Secrets, workloads, Services, each by name; a pod's containers
/// in the order given (creation order); keys in ordinal order (kubectl's own output order).
/// </summary>
public static class KubeManifestBuilder
{
    /// <summary>The selector label every workload carries (Kubernetes recommended labels).</summary>
    public const string NameLabel = "app.kubernetes.io/name";
    /// <summary>The label naming the compose project of a workload.</summary>
    public const string PartOfLabel = "app.kubernetes.io/part-of";

    /// <summary>The manifest of <paramref name="workloads"/>.</summary>
    /// <exception cref="PscException">NoKubeWorkload (InvalidArgument): <paramref name="workloads"/> is empty.</exception>
    public static KubeManifest Build(IEnumerable<KubeWorkload> workloads, KubeGenerateOptions options)
    {
        // named in one fixed order, so that which of two colliding names gets the suffix does not depend on input order
        var list = workloads.OrderBy(w => w.Name, StringComparer.Ordinal).ThenBy(w => w.Source, StringComparer.Ordinal).ToList();
        if (list.Count == 0) throw PscException.InvalidArgument(ErrorIds.NoKubeWorkload, "There is nothing to convert: give containers or compose projects.", null);
        var ctx = new Context(options);
        foreach (var w in list) ctx.Warnings.AddRange(w.Warnings);
        foreach (var w in list) ctx.AddWorkload(w);

        var docs = ctx.Claims.Values.OrderBy(d => NameOf(d), StringComparer.Ordinal)
            .Concat(ctx.ConfigMaps.OrderBy(NameOf, StringComparer.Ordinal))
            .Concat(ctx.Secrets.OrderBy(NameOf, StringComparer.Ordinal))
            .Concat(ctx.Workloads.OrderBy(NameOf, StringComparer.Ordinal))
            .Concat(ctx.Services.OrderBy(NameOf, StringComparer.Ordinal))
            .ToList();
        return new KubeManifest
        {
            Yaml = KubeYamlWriter.Write(docs),
            Objects = docs.Select(d => $"{d["kind"]}/{NameOf(d)}").ToList(),
            Warnings = ctx.Warnings,
        };
    }

    private static string NameOf(SortedDictionary<string, object?> doc) => (string)((SortedDictionary<string, object?>)doc["metadata"]!)["name"]!;

    private static SortedDictionary<string, object?> M() => new(StringComparer.Ordinal);

    private sealed class Context(KubeGenerateOptions options)
    {
        public readonly List<string> Warnings = [];
        public readonly SortedDictionary<string, SortedDictionary<string, object?>> Claims = new(StringComparer.Ordinal);
        public readonly List<SortedDictionary<string, object?>> ConfigMaps = [], Workloads = [], Services = [];
        private readonly KubeNameScope _workloadNames = new(), _serviceNames = new(), _claimNames = new(KubeNames.MaxSubdomainLength), _configMapNames = new(KubeNames.MaxSubdomainLength);
        private readonly HashSet<string> _renamed = new(StringComparer.Ordinal);
        public readonly List<SortedDictionary<string, object?>> Secrets = [];
        private readonly KubeNameScope _secretNames = new(KubeNames.MaxSubdomainLength);
        /// <summary>The Secrets and ConfigMaps made for env references, by (kind, object name in the played manifest): each variant's name and data.</summary>
        private readonly Dictionary<(string Kind, string Object), List<(string Name, SortedDictionary<string, object?> Data)>> _referenced = new();

        /// <summary>
        /// The name of <paramref name="key"/> (what tells objects apart: a workload's source, a volume's name) wanted as
        /// <paramref name="original"/>, repaired for a rule and made unique in <paramref name="scope"/>, with a
        /// warning the first time it differs from <paramref name="original"/>.
        /// </summary>
        private string Named(KubeNameScope scope, string what, string key, string original, string valid, string rule)
        {
            string name = scope.Take(key, valid);
            if (name != original && _renamed.Add(what + "\0" + key))
                Warnings.Add(valid == original
                    ? $"The {what} name '{original}' of '{key}' is taken by another object; it is written as '{name}'."
                    : $"The {what} name '{original}' is not a valid {rule}; it is written as '{name}'.");
            return name;
        }

        public void AddWorkload(KubeWorkload w)
        {
            string name = Named(_workloadNames, "workload", w.Source, w.Name, KubeNames.ToDnsLabel(w.Name), "RFC 1123 label");
            var selector = M();
            selector[NameLabel] = name;
            if (w.Project is { } proj) selector[PartOfLabel] = KubeNames.ToLabelValue(proj);
            var labels = Labels(w, selector);

            var podScope = new KubeNameScope();
            var volumeNames = new HashSet<string>(StringComparer.Ordinal);
            var volumes = new List<object?>();
            var containers = new List<object?>();
            var ports = new List<(KubeWorkloadPort Port, string Name)>();
            if (w.Members.Count == 0) containers.Add(Container(w, name, name, podScope, volumeNames, volumes, ports));
            else
            {
                var containerNames = new KubeNameScope();
                foreach (var member in w.Members)
                {
                    string cname = containerNames.Take(member.Source, KubeNames.ToDnsLabel(member.Name));
                    if (cname != member.Name) Warnings.Add($"The container name '{member.Name}' of '{member.Source}' is not a valid RFC 1123 label (or is taken); it is written as '{cname}'.");
                    containers.Add(Container(member, cname, name, podScope, volumeNames, volumes, ports));
                }
            }

            var pod = M();
            pod["containers"] = containers;
            pod["restartPolicy"] = RestartPolicyFor(w);
            if (volumes.Count > 0) pod["volumes"] = volumes.OrderBy(v => (string)((SortedDictionary<string, object?>)v!)["name"]!, StringComparer.Ordinal).ToList();

            if (options.Kind == KubeWorkloadKind.Deployment)
            {
                var template = M();
                template["metadata"] = Meta(null, labels);
                template["spec"] = pod;
                var matchLabels = M();
                foreach (var (k, v) in selector) matchLabels[k] = v;
                var sel = M();
                sel["matchLabels"] = matchLabels;
                var spec = M();
                spec["replicas"] = w.Replicas;
                spec["selector"] = sel;
                spec["template"] = template;
                Workloads.Add(Doc("apps/v1", "Deployment", Meta(name, labels), "spec", spec));
            }
            else
            {
                if (w.Replicas > 1) Warnings.Add($"'{w.Source}' runs {w.Replicas} replicas; a Pod is one (use -Kind Deployment for replicas).");
                Workloads.Add(Doc("v1", "Pod", Meta(name, labels), "spec", pod));
            }
            if (options.Service) Service(w, name, selector, ports);
        }

        /// <summary>
        /// One container of a pod spec: <paramref name="w"/>'s process, named <paramref name="name"/>; its volumes are
        /// added to the pod's (<paramref name="volumes"/>, once per name), its ports to <paramref name="ports"/>.
        /// </summary>
        private SortedDictionary<string, object?> Container(KubeWorkload w, string name, string workload, KubeNameScope podScope, HashSet<string> volumeNames,
            List<object?> volumes, List<(KubeWorkloadPort Port, string Name)> ports)
        {
            var mounts = new List<object?>();
            foreach (var m in w.Mounts.OrderBy(m => m.Target, StringComparer.Ordinal))
            {
                var (volName, volume) = Volume(w, m, podScope);
                if (volumeNames.Add(volName)) volumes.Add(volume);
                var vm = M();
                vm["name"] = volName;
                vm["mountPath"] = m.Target;
                if (m.ReadOnly) vm["readOnly"] = true;
                if (m.SubPath is { } sp) vm["subPath"] = sp;
                mounts.Add(vm);
            }

            var container = M();
            container["name"] = name;
            container["image"] = w.Image;
            if (w.Command is { } cmd) container["command"] = cmd.Select(Escape).ToList<object?>();
            if (w.Args is { } args) container["args"] = args.Select(Escape).ToList<object?>();
            if (w.WorkingDir is { } wd) container["workingDir"] = wd;
            if (w.Tty) container["tty"] = true;
            if (w.StdinOpen) container["stdin"] = true;
            Env(w, workload, container);
            ports.AddRange(Ports(w, container));
            if (mounts.Count > 0) container["volumeMounts"] = mounts;
            Resources(w, container);
            Security(w, container);
            Probes(w, container);
            return container;
        }

        private SortedDictionary<string, object?> Labels(KubeWorkload w, SortedDictionary<string, object?> selector)
        {
            var labels = M();
            foreach (var (k, v) in w.Labels.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            {
                string key = KubeNames.ToQualifiedName(k), value = KubeNames.ToLabelValue(v);
                if (key != k) Warnings.Add($"'{w.Source}': the label key '{k}' is not a valid qualified name; it is written as '{key}'.");
                if (value != v) Warnings.Add($"'{w.Source}': the value '{v}' of label '{k}' is not a valid label value; it is written as '{value}'.");
                if (selector.ContainsKey(key)) { Warnings.Add($"'{w.Source}': the label '{k}' is replaced by the selector label of the same key."); continue; }
                if (labels.ContainsKey(key)) { Warnings.Add($"'{w.Source}': the label '{k}' repairs to the key '{key}' of another label and is left out."); continue; }
                labels[key] = value;
            }
            foreach (var (k, v) in selector) labels[k] = v;
            return labels;
        }

        /// <summary>The pod volume of a mount: one per named volume or host path however often it is mounted, one per tmpfs or anonymous mount.</summary>
        private (string Name, SortedDictionary<string, object?> Volume) Volume(KubeWorkload w, KubeWorkloadMount m, KubeNameScope podScope)
        {
            var v = M();
            string original;
            switch (m.Kind)
            {
                case KubeMountKind.Volume:
                    original = m.Source!;
                    string claim = Named(_claimNames, "volume claim", m.Source!, m.Source!, KubeNames.ToDnsSubdomain(m.Source!), "RFC 1123 subdomain");
                    if (!Claims.ContainsKey(claim)) Claims[claim] = Claim(claim);
                    var pvc = M();
                    pvc["claimName"] = claim;
                    v["persistentVolumeClaim"] = pvc;
                    break;
                case KubeMountKind.Bind:
                    original = m.Source! + "-host";
                    var hp = M();
                    hp["path"] = m.Source!;
                    if (m.CreateHostPath) hp["type"] = "DirectoryOrCreate";
                    v["hostPath"] = hp;
                    Warnings.Add($"'{w.Source}': the bind mount of '{m.Source}' at '{m.Target}' is a hostPath volume: it ties the pod to a node that has that path, and clusters often forbid hostPath.");
                    break;
                case KubeMountKind.Tmpfs:
                    original = m.Target + "-tmpfs";
                    var ed = M();
                    ed["medium"] = "Memory";
                    if (m.SizeLimit is long size) ed["sizeLimit"] = Bytes(size);
                    v["emptyDir"] = ed;
                    break;
                default:
                    original = m.Target + "-data";
                    v["emptyDir"] = M();
                    break;
            }
            // volume names are local to the pod: derived from the source, made unique in the pod
            string key = m.Kind is KubeMountKind.Volume or KubeMountKind.Bind ? m.Kind + "\0" + m.Source : m.Kind + "\0" + m.Target;
            string name = podScope.Take(key, KubeNames.ToDnsLabel(original.TrimStart('/')));
            v["name"] = name;
            return (name, v);
        }

        /// <summary>
        /// The PersistentVolumeClaim <paramref name="claim"/>, labelled with its own name: Import-ContainerKube makes the
        /// volume of that name, so a manifest generated from what it played is the same (a repaired name included).
        /// </summary>
        private SortedDictionary<string, object?> Claim(string claim)
        {
            var requests = M();
            requests["storage"] = options.ClaimSize;
            var resources = M();
            resources["requests"] = requests;
            var spec = M();
            spec["accessModes"] = new List<object?> { "ReadWriteOnce" };
            spec["resources"] = resources;
            var labels = M();
            labels[NameLabel] = KubeNames.ToLabelValue(claim);
            return Doc("v1", "PersistentVolumeClaim", Meta(claim, labels), "spec", spec);
        }

        /// <summary>
        /// The container's env and envFrom. Variables that came with a whole Secret or ConfigMap
        /// (<see cref="KubeEnvReference.IsWholeObject"/>: compose env_file, a played envFrom) go back into that object and
        /// one envFrom entry per object and prefix, sorted by kind ("configMapRef" before "secretRef"), name and prefix
        /// (the entries never share a variable, so their order does not change the environment); a variable read from one
        /// key is a valueFrom reference; the rest are literal values, in order.
        /// </summary>
        private void Env(KubeWorkload w, string workload, SortedDictionary<string, object?> container)
        {
            // the last definition of a name wins, in the position of its first
            var env = new OrderedDictionary<string, string>(StringComparer.Ordinal);
            foreach (var (k, v) in w.Environment) env[k] = v;

            var whole = env.Where(kv => w.EnvironmentReferences.TryGetValue(kv.Key, out var r) && r.IsWholeObject)
                .Select(kv => (Ref: w.EnvironmentReferences[kv.Key], Value: kv.Value))
                .GroupBy(x => (x.Ref.Kind, x.Ref.Object, Prefix: x.Ref.Prefix!))
                .Select(g => (g.Key, Name: Stored(g.Key.Kind, g.Key.Object, g.Select(x => (x.Ref.Key, x.Value)).ToList(), workload)))
                .OrderBy(x => x.Key.Kind, StringComparer.Ordinal).ThenBy(x => x.Name, StringComparer.Ordinal).ThenBy(x => x.Key.Prefix, StringComparer.Ordinal)
                .ToList();
            if (whole.Count > 0)
            {
                container["envFrom"] = whole.Select(x =>
                {
                    var reference = M();
                    reference["name"] = x.Name;
                    var from = M();
                    from[x.Key.Kind == "Secret" ? "secretRef" : "configMapRef"] = reference;
                    if (x.Key.Prefix.Length > 0) from["prefix"] = x.Key.Prefix;
                    return (object?)from;
                }).ToList();
            }

            var rest = env.Where(kv => !(w.EnvironmentReferences.TryGetValue(kv.Key, out var r) && r.IsWholeObject)).ToList();
            if (rest.Count == 0) return;
            container["env"] = rest.Select(kv =>
            {
                var e = M();
                e["name"] = kv.Key;
                if (w.EnvironmentReferences.TryGetValue(kv.Key, out var r)) e["valueFrom"] = ValueFrom(r, kv.Value);
                else e["value"] = Escape(kv.Value);
                return (object?)e;
            }).ToList();
        }

        /// <summary>
        /// The valueFrom of a variable that came from key <see cref="KubeEnvReference.Key"/> of a Secret or ConfigMap
        /// (<see cref="Stored"/> keeps the value in that object).
        /// </summary>
        private SortedDictionary<string, object?> ValueFrom(KubeEnvReference r, string value)
        {
            var keyRef = M();
            keyRef["key"] = r.Key;
            keyRef["name"] = Stored(r.Kind, r.Object, [(r.Key, value)], null);
            var from = M();
            from[r.Kind == "Secret" ? "secretKeyRef" : "configMapKeyRef"] = keyRef;
            return from;
        }

        /// <summary>
        /// Puts <paramref name="items"/> (key, value) into the Secret (data base64, as the API stores it) or ConfigMap
        /// <paramref name="obj"/> of the played manifest (or of a compose env_file) and returns the object's name in the
        /// output. An object is made once per name and shared by every container that reads it; when a container reads a
        /// different value under a key another container already put there, the items go into a second object of a
        /// suffixed name (with a warning). <paramref name="owner"/>, the workload that reads the whole object (envFrom),
        /// labels the object it makes (app.kubernetes.io/name); an object made for single keys has no labels.
        /// </summary>
        private string Stored(string kind, string obj, IReadOnlyList<(string Key, string Value)> items, string? owner)
        {
            bool secret = kind == "Secret";
            var stored = items.Select(i => (i.Key, Value: secret ? Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(i.Value)) : i.Value)).ToList();
            if (!_referenced.TryGetValue((kind, obj), out var variants)) _referenced[(kind, obj)] = variants = [];
            int at = variants.FindIndex(v => stored.All(i => !v.Data.TryGetValue(i.Key, out var had) || (string)had! == i.Value));
            if (at < 0)
            {
                at = variants.Count;
                // every variant holds another value under one of the keys; the first one does too
                string clash = at == 0 ? "" : stored.First(i => variants[0].Data.TryGetValue(i.Key, out var had) && (string)had! != i.Value).Key;
                if (at > 0) Warnings.Add($"Containers read different values from key '{clash}' of the {kind} '{obj}'; a second {kind} is written for the other value.");
            }
            if (at == variants.Count)
            {
                var scope = secret ? _secretNames : _configMapNames;
                string original = kind + "/" + obj + (at == 0 ? "" : "#" + at.ToString(CultureInfo.InvariantCulture));
                string name = Named(scope, kind, original, obj, KubeNames.ToDnsSubdomain(obj), "RFC 1123 subdomain");
                var data = M();
                var labels = M();
                if (owner is not null) labels[NameLabel] = owner;
                (secret ? Secrets : ConfigMaps).Add(Doc("v1", kind, Meta(name, labels), "data", data));
                variants.Add((name, data));
            }
            foreach (var (k, v) in stored) variants[at].Data[k] = v;
            return variants[at].Name;
        }

        private List<(KubeWorkloadPort Port, string Name)> Ports(KubeWorkload w, SortedDictionary<string, object?> container)
        {
            var scope = new KubeNameScope(KubeNames.MaxPortNameLength);
            var named = new List<(KubeWorkloadPort, string)>();
            var seen = new HashSet<(int, string, int?, string?)>();
            var list = new List<object?>();
            foreach (var p in w.Ports.OrderBy(p => p.ContainerPort).ThenBy(p => p.Protocol, StringComparer.OrdinalIgnoreCase).ThenBy(p => p.HostPort ?? 0))
            {
                string proto = p.Protocol.ToUpperInvariant();
                if (!seen.Add((p.ContainerPort, proto, p.HostPort, p.HostIp))) continue;
                string wanted = p.Name is { } pn ? KubeNames.ToPortName(pn) : KubeNames.ToPortName(proto.ToLowerInvariant() + "-" + p.ContainerPort.ToString(CultureInfo.InvariantCulture));
                string original = (p.Name ?? "") + "\0" + p.ContainerPort + "/" + proto + "\0" + p.HostPort + "\0" + p.HostIp;
                string name = scope.Take(original, wanted);
                if (p.Name is { } given && given != name) Warnings.Add($"'{w.Source}': the port name '{given}' is not a valid IANA service name (or is taken); it is written as '{name}'.");
                var cp = M();
                cp["name"] = name;
                cp["containerPort"] = p.ContainerPort;
                cp["protocol"] = proto;
                if (p.HostPort is int hp) cp["hostPort"] = hp;
                if (p.HostPort is not null && p.HostIp is { } ip) cp["hostIP"] = ip;
                list.Add(cp);
                named.Add((p, name));
            }
            if (list.Count > 0) container["ports"] = list;
            return named;
        }

        private void Resources(KubeWorkload w, SortedDictionary<string, object?> container)
        {
            var limits = M();
            if (w.MemoryLimit is long mem and > 0) limits["memory"] = Bytes(mem);
            if (w.CpuLimit is double cpu and > 0) limits["cpu"] = Cpu(cpu);
            var requests = M();
            if (w.MemoryRequest is long rm and > 0) requests["memory"] = Bytes(rm);
            if (w.CpuRequest is double rc and > 0) requests["cpu"] = Cpu(rc);
            if (w.PidsLimit is long pids)
                Warnings.Add($"'{w.Source}': the pids limit {pids} has no Kubernetes container field (the kubelet sets podPidsLimit per node); it is left out.");
            if (limits.Count + requests.Count == 0) return;
            var r = M();
            if (limits.Count > 0) r["limits"] = limits;
            if (requests.Count > 0) r["requests"] = requests;
            container["resources"] = r;
        }

        private void Security(KubeWorkload w, SortedDictionary<string, object?> container)
        {
            var sc = M();
            var caps = M();
            if (w.CapAdd.Count > 0) caps["add"] = Capabilities(w.CapAdd);
            if (w.CapDrop.Count > 0) caps["drop"] = Capabilities(w.CapDrop);
            if (caps.Count > 0) sc["capabilities"] = caps;
            if (w.Privileged) sc["privileged"] = true;
            if (w.ReadOnlyRootFilesystem) sc["readOnlyRootFilesystem"] = true;
            if (w.User is { Length: > 0 } user)
            {
                string[] ug = user.Split(':', 2);
                if (long.TryParse(ug[0], NumberStyles.None, CultureInfo.InvariantCulture, out long uid)) sc["runAsUser"] = uid;
                else Warnings.Add($"'{w.Source}': the user '{ug[0]}' is a name; Kubernetes needs a numeric runAsUser, so it is left out.");
                if (ug.Length > 1)
                {
                    if (long.TryParse(ug[1], NumberStyles.None, CultureInfo.InvariantCulture, out long gid)) sc["runAsGroup"] = gid;
                    else Warnings.Add($"'{w.Source}': the group '{ug[1]}' is a name; Kubernetes needs a numeric runAsGroup, so it is left out.");
                }
            }
            if (sc.Count > 0) container["securityContext"] = sc;
        }

        /// <summary>Kubernetes capability names: without "CAP_", upper case, sorted, once each.</summary>
        private static List<object?> Capabilities(IEnumerable<string> caps) =>
            caps.Select(c => c.ToUpperInvariant()).Select(c => c.StartsWith("CAP_", StringComparison.Ordinal) ? c[4..] : c)
                .Distinct().Order(StringComparer.Ordinal).ToList<object?>();

        private void Probes(KubeWorkload w, SortedDictionary<string, object?> container)
        {
            if (w.Healthcheck is not { } h || !h.IsActive()) return;
            var live = Probe(h.Test);
            live["periodSeconds"] = Seconds(h.EffectiveInterval());
            live["timeoutSeconds"] = Seconds(h.EffectiveTimeout());
            live["failureThreshold"] = h.EffectiveRetries();
            container["livenessProbe"] = live;
            if (h.EffectiveStartPeriod() > TimeSpan.Zero)
            {
                // docker's start period: failures do not count until it ends or a probe succeeds; a startup probe
                // probing every start interval for as many tries as fit in the period is the same window
                var startup = Probe(h.Test);
                int every = Seconds(h.EffectiveStartInterval());
                startup["periodSeconds"] = every;
                startup["timeoutSeconds"] = Seconds(h.EffectiveTimeout());
                startup["failureThreshold"] = Math.Max(1, (int)Math.Ceiling(h.EffectiveStartPeriod().TotalSeconds / every));
                container["startupProbe"] = startup;
            }
        }

        private static SortedDictionary<string, object?> Probe(string[] test)
        {
            if (test[0] is HealthConfig.HttpGet or HealthConfig.TcpSocket)
            {
                var handler = M();
                handler["port"] = int.Parse(test[1], CultureInfo.InvariantCulture);
                if (test[0] == HealthConfig.HttpGet) handler["path"] = test[2];
                var np = M();
                np[test[0] == HealthConfig.HttpGet ? "httpGet" : "tcpSocket"] = handler;
                return np;
            }
            var command = test[0] == "CMD-SHELL" ? new List<object?> { "/bin/sh", "-c", test[1] } : test.Skip(1).ToList<object?>();
            var exec = M();
            exec["command"] = command;
            var p = M();
            p["exec"] = exec;
            return p;
        }

        /// <summary>Whole seconds, rounded up, at least 1 (probe fields are integer seconds).</summary>
        private static int Seconds(TimeSpan t) => Math.Max(1, (int)Math.Ceiling(t.TotalSeconds));

        private string RestartPolicyFor(KubeWorkload w)
        {
            if (options.Kind == KubeWorkloadKind.Deployment)
            {
                if (w.Restart is RestartPolicyName.OnFailure)
                    Warnings.Add($"'{w.Source}': a Deployment's pods always restart (restartPolicy Always); the restart policy '{RestartPolicy.Text(w.Restart)}' is not kept.");
                return "Always";
            }
            return w.Restart switch
            {
                RestartPolicyName.Always or RestartPolicyName.UnlessStopped => "Always",
                RestartPolicyName.OnFailure => "OnFailure",
                _ => "Never",
            };
        }

        private void Service(KubeWorkload w, string workload, SortedDictionary<string, object?> selector, List<(KubeWorkloadPort Port, string Name)> ports)
        {
            var published = ports.Where(p => p.Port.Published).ToList();
            if (published.Count == 0) return;
            string name = Named(_serviceNames, "Service", workload, workload, KubeNames.ToDns1035Label(workload), "RFC 1035 label");
            var list = new List<object?>();
            var seen = new HashSet<(int, string)>();
            foreach (var (p, portName) in published)
            {
                int port = p.HostPort ?? p.ContainerPort;
                string proto = p.Protocol.ToUpperInvariant();
                if (!seen.Add((port, proto))) continue;
                var sp = M();
                sp["name"] = portName;
                sp["port"] = port;
                sp["protocol"] = proto;
                sp["targetPort"] = p.ContainerPort;
                list.Add(sp);
            }
            var sel = M();
            foreach (var (k, v) in selector) sel[k] = v;
            var spec = M();
            spec["ports"] = list;
            spec["selector"] = sel;
            spec["type"] = "NodePort";
            var labels = M();
            foreach (var (k, v) in selector) labels[k] = v;
            Services.Add(Doc("v1", "Service", Meta(name, labels), "spec", spec));
        }

        private static SortedDictionary<string, object?> Meta(string? name, SortedDictionary<string, object?> labels)
        {
            var m = M();
            if (name is not null) m["name"] = name;
            var copy = M();
            foreach (var (k, v) in labels) copy[k] = v;
            if (copy.Count > 0) m["labels"] = copy;
            return m;
        }

        private static SortedDictionary<string, object?> Doc(string apiVersion, string kind, SortedDictionary<string, object?> meta, string bodyKey, object body)
        {
            var d = M();
            d["apiVersion"] = apiVersion;
            d["kind"] = kind;
            d["metadata"] = meta;
            d[bodyKey] = body;
            return d;
        }
    }

    /// <summary>A byte count as a Kubernetes quantity: "64Mi", "1Gi", "512Ki" when exact, else plain bytes.</summary>
    public static string Bytes(long bytes)
    {
        foreach (var (unit, size) in new[] { ("Ti", 1L << 40), ("Gi", 1L << 30), ("Mi", 1L << 20), ("Ki", 1L << 10) })
            if (bytes >= size && bytes % size == 0) return (bytes / size).ToString(CultureInfo.InvariantCulture) + unit;
        return bytes.ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>CPUs as a Kubernetes quantity: whole CPUs as "2", else millicores ("500m"; at least "1m").</summary>
    public static string Cpu(double cpus)
    {
        long milli = Math.Max(1, (long)Math.Round(cpus * 1000, MidpointRounding.AwayFromZero));
        return milli % 1000 == 0 ? (milli / 1000).ToString(CultureInfo.InvariantCulture) : milli.ToString(CultureInfo.InvariantCulture) + "m";
    }

    /// <summary>A value where Kubernetes expands $(VAR) (env values, command, args): every '$' doubled, so it reads back as written.</summary>
    public static string Escape(string s) => s.Replace("$", "$$", StringComparison.Ordinal);
}
