using System.Text.Json;
using System.Text.Json.Nodes;

namespace PsContainers.Core.Networking;

/// <summary>An interface in a CNI result.</summary>
public sealed class CniInterface
{
    public string Name { get; set; } = "";
    public string? Mac { get; set; }
    /// <summary>The namespace path when the interface is inside the container; null on the host.</summary>
    public string? Sandbox { get; set; }
}

/// <summary>An address in a CNI result.</summary>
public sealed class CniIPConfig
{
    /// <summary>Index into <see cref="CniResult.Interfaces"/>, when the plugin said.</summary>
    public int? Interface { get; set; }
    /// <summary>CIDR form, e.g. 10.89.0.2/24.</summary>
    public string Address { get; set; } = "";
    public string? Gateway { get; set; }

    public string IP => Address.Split('/')[0];
    public int PrefixLength => Address.Contains('/') ? int.Parse(Address.Split('/')[1]) : 32;
}

/// <summary>The parts of a CNI ADD result (spec versions 0.3.0 - 1.0.0) that the engine uses; the raw JSON is kept.</summary>
public sealed class CniResult
{
    public string CniVersion { get; set; } = "1.0.0";
    public List<CniInterface> Interfaces { get; set; } = new();
    public List<CniIPConfig> IPs { get; set; } = new();
    public List<string> Routes { get; set; } = new();
    public List<string> DnsNameservers { get; set; } = new();
    public List<string> DnsSearch { get; set; } = new();
    public string Raw { get; set; } = "{}";

    /// <summary>Parse a result; 0.2.0-style results (ip4/ip6 objects) are converted.</summary>
    public static CniResult Parse(string json)
    {
        var node = JsonNode.Parse(json) as JsonObject
            ?? throw new PscException(ErrorIds.CniBadResult, PscErrorCategory.InvalidResult, "The CNI plugin returned something that is not a JSON object.");
        var r = new CniResult { Raw = json, CniVersion = (string?)node["cniVersion"] ?? "0.1.0" };
        if (node["interfaces"] is JsonArray ifs)
            foreach (var i in ifs.OfType<JsonObject>())
                r.Interfaces.Add(new CniInterface { Name = (string?)i["name"] ?? "", Mac = (string?)i["mac"], Sandbox = NullIfEmpty((string?)i["sandbox"]) });
        if (node["ips"] is JsonArray ips)
            foreach (var i in ips.OfType<JsonObject>())
                r.IPs.Add(new CniIPConfig { Address = (string?)i["address"] ?? "", Gateway = (string?)i["gateway"], Interface = i["interface"] is JsonValue v && v.TryGetValue<int>(out int n) ? n : null });
        foreach (var key in new[] { "ip4", "ip6" })
            if (node[key] is JsonObject old && (string?)old["ip"] is string a)
                r.IPs.Add(new CniIPConfig { Address = a, Gateway = (string?)old["gateway"] });
        if (node["routes"] is JsonArray routes)
            foreach (var rt in routes.OfType<JsonObject>())
                if ((string?)rt["dst"] is string dst) r.Routes.Add(dst);
        if (node["dns"] is JsonObject dns)
        {
            if (dns["nameservers"] is JsonArray ns) r.DnsNameservers.AddRange(ns.Select(x => (string?)x).OfType<string>());
            if (dns["search"] is JsonArray se) r.DnsSearch.AddRange(se.Select(x => (string?)x).OfType<string>());
        }
        return r;
    }

    /// <summary>The first address assigned to an interface inside the container (sandbox set), else the first address.</summary>
    public CniIPConfig? ContainerAddress(bool ipv6 = false)
    {
        bool Fam(CniIPConfig c) => c.IP.Contains(':') == ipv6;
        foreach (var ip in IPs.Where(Fam))
            if (ip.Interface is int idx && idx >= 0 && idx < Interfaces.Count && Interfaces[idx].Sandbox is not null) return ip;
        return IPs.FirstOrDefault(Fam);
    }

    /// <summary>MAC of the container-side interface called <paramref name="ifName"/>.</summary>
    public string? ContainerMac(string ifName) => Interfaces.FirstOrDefault(i => i.Sandbox is not null && i.Name == ifName)?.Mac;

    /// <summary>The host-side veth (an interface with a MAC, no sandbox, not the bridge).</summary>
    public IEnumerable<string> HostInterfaces => Interfaces.Where(i => i.Sandbox is null).Select(i => i.Name);

    private static string? NullIfEmpty(string? s) => string.IsNullOrEmpty(s) ? null : s;
}

/// <summary>A CNI error object ({code, msg, details}) returned by a failing plugin.</summary>
public sealed class CniPluginException : PscException
{
    public int Code { get; }
    public string Plugin { get; }

    public CniPluginException(string plugin, string command, int code, string msg, string? details)
        : base(ErrorIds.CniPluginFailed, PscErrorCategory.InvalidOperation,
               $"CNI plugin '{plugin}' failed on {command}: {msg}" + (string.IsNullOrEmpty(details) ? "" : $" ({details})") + (code != 0 ? $" [code {code}]" : ""), plugin)
    {
        Code = code;
        Plugin = plugin;
    }

    internal static CniPluginException FromOutput(string plugin, string command, int exitCode, string stdout, string stderr)
    {
        try
        {
            if (JsonNode.Parse(stdout) is JsonObject o && o["msg"] is not null)
                return new CniPluginException(plugin, command, o["code"] is JsonValue c && c.TryGetValue<int>(out int n) ? n : exitCode, (string?)o["msg"] ?? "", (string?)o["details"]);
        }
        catch (JsonException) { }
        string msg = (stderr + " " + stdout).Trim();
        return new CniPluginException(plugin, command, exitCode, string.IsNullOrEmpty(msg) ? $"exit code {exitCode}" : msg, null);
    }
}
