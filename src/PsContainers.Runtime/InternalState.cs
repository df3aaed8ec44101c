using System.Globalization;
using System.Text;
using System.Text.Json;
using PsContainers.Cgroups;
using PsContainers.Core.Runtime.Spec;

namespace PsContainers.Runtime;

/// <summary>What pscrun keeps about a container in ROOT/ID/state.json.</summary>
internal sealed class InternalState
{
    public string Id { get; set; } = "";
    public int Pid { get; set; }
    public ulong StartTime { get; set; }
    public string Bundle { get; set; } = "";
    public string Rootfs { get; set; } = "";
    public DateTime Created { get; set; }
    public string Owner { get; set; } = "";
    public string OciVersion { get; set; } = RuntimeSpec.CurrentVersion;
    public Dictionary<string, string>? Annotations { get; set; }
    public CgroupSet Cgroups { get; set; } = new();
    /// <summary>
    /// Without a mount namespace of its own the container's rootfs bind mount (and every mount below it) lives in
    /// the runtime's mount namespace: the id of that bind mount in /proc/self/mountinfo, for delete to detach it.
    /// </summary>
    public int SharedRootMount { get; set; }

    // written and read by hand: serializer metadata would cost more than the rest of a `state` call
    public string ToJson()
    {
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteString("id", Id);
            w.WriteNumber("pid", Pid);
            w.WriteNumber("startTime", StartTime);
            w.WriteString("bundle", Bundle);
            w.WriteString("rootfs", Rootfs);
            w.WriteString("created", Created);
            w.WriteString("owner", Owner);
            w.WriteString("ociVersion", OciVersion);
            if (Annotations is not null)
            {
                w.WriteStartObject("annotations");
                foreach (var (k, v) in Annotations) w.WriteString(k, v);
                w.WriteEndObject();
            }
            if (SharedRootMount != 0) w.WriteNumber("sharedRootMount", SharedRootMount);
            w.WriteStartObject("cgroups");
            w.WriteBoolean("v2", Cgroups.V2);
            w.WriteStartObject("dirs");
            foreach (var (k, v) in Cgroups.Dirs) w.WriteString(k, v);
            w.WriteEndObject();
            w.WriteStartArray("created");
            foreach (var d in Cgroups.Created) w.WriteStringValue(d);
            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(ms.ToArray());
    }

    public static InternalState Parse(string json)
    {
        using var doc = JsonDocument.Parse(json);
        var r = doc.RootElement;
        var st = new InternalState
        {
            Id = r.GetProperty("id").GetString() ?? "",
            Pid = r.GetProperty("pid").GetInt32(),
            StartTime = r.GetProperty("startTime").GetUInt64(),
            Bundle = r.GetProperty("bundle").GetString() ?? "",
            Rootfs = r.GetProperty("rootfs").GetString() ?? "",
            Created = r.GetProperty("created").GetDateTime(),
            Owner = r.GetProperty("owner").GetString() ?? "",
            OciVersion = r.GetProperty("ociVersion").GetString() ?? "",
        };
        if (r.TryGetProperty("annotations", out var a) && a.ValueKind == JsonValueKind.Object)
        {
            st.Annotations = new();
            foreach (var p in a.EnumerateObject()) st.Annotations[p.Name] = p.Value.GetString() ?? "";
        }
        if (r.TryGetProperty("sharedRootMount", out var srm)) st.SharedRootMount = srm.GetInt32();
        var cg = r.GetProperty("cgroups");
        st.Cgroups.V2 = cg.GetProperty("v2").GetBoolean();
        foreach (var p in cg.GetProperty("dirs").EnumerateObject()) st.Cgroups.Dirs[p.Name] = p.Value.GetString() ?? "";
        foreach (var d in cg.GetProperty("created").EnumerateArray()) st.Cgroups.Created.Add(d.GetString() ?? "");
        return st;
    }
}
