using System.Text.Json;
using System.Text.Json.Nodes;
using PsContainers.Core.Util;

namespace PsContainers.Core.Runtime;

/// <summary>
/// Engine settings persisted in the store root (PscPaths.ConfigFile, JSON). Writes are atomic and serialised by a
/// file lock; keys this class does not know are kept as they are.
/// </summary>
public sealed class EngineConfiguration
{
    /// <summary>The OCI runtime binary used for containers (pscrun by default).</summary>
    public string Runtime { get; init; } = OciRuntimeClient.DefaultRuntimePath;
    /// <summary>True when no runtime was set and the bundled pscrun is used.</summary>
    public bool IsDefaultRuntime { get; init; } = true;
    /// <summary>First line of `runtime --version` (null when the binary does not answer).</summary>
    public string? RuntimeVersion { get; init; }
    /// <summary>The store root.</summary>
    public string StoreRoot { get; init; } = "";
    /// <summary>The file the settings are kept in.</summary>
    public string ConfigFile { get; init; } = "";

    private const string RuntimeKey = "runtime";

    /// <summary>The settings file as a locked JSON document (indented; an empty file is no settings; a file that is not
    /// a JSON object is InvalidEngineConfiguration).</summary>
    private static LockedJsonFile<JsonObject> SettingsFile(string file) =>
        new(file, file + ".lock", () => new JsonObject(), text => string.IsNullOrWhiteSpace(text) ? null
                : JsonNode.Parse(text) as JsonObject
                  ?? throw PscException.InvalidData(ErrorIds.InvalidEngineConfiguration, $"'{file}' does not hold a JSON object.", file),
            o => o.ToJsonString(new JsonSerializerOptions { WriteIndented = true }))
        {
            OnCorrupt = e => PscException.InvalidData(ErrorIds.InvalidEngineConfiguration, $"'{file}' is not valid JSON: {e.Message}", file, e),
        };

    /// <summary>Read the settings (defaults when the file does not exist). <paramref name="withVersion"/> asks the runtime for its version.</summary>
    public static EngineConfiguration Load(PscPaths paths, bool withVersion = false)
    {
        var o = SettingsFile(paths.ConfigFile).Read();
        string? rt = o[RuntimeKey]?.GetValue<string>();
        bool isDefault = string.IsNullOrEmpty(rt);
        string runtime = isDefault ? OciRuntimeClient.DefaultRuntimePath : rt!;
        return new EngineConfiguration
        {
            Runtime = runtime,
            IsDefaultRuntime = isDefault,
            RuntimeVersion = withVersion ? OciRuntimeClient.GetVersion(runtime) : null,
            StoreRoot = paths.Root,
            ConfigFile = paths.ConfigFile,
        };
    }

    /// <summary>Check that <paramref name="runtime"/> is an executable OCI runtime that answers --version; returns that line.</summary>
    public static string ValidateRuntime(string runtime)
    {
        if (string.IsNullOrWhiteSpace(runtime) || !Path.IsPathRooted(runtime))
            throw PscException.InvalidArgument(ErrorIds.InvalidRuntimePath, $"The runtime must be an absolute path ('{runtime}' given).", runtime);
        if (!File.Exists(runtime))
            throw PscException.NotFound(ErrorIds.RuntimeNotFound, $"The runtime '{runtime}' does not exist.", runtime);
        var mode = File.GetUnixFileMode(runtime);
        if ((mode & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) == 0)
            throw PscException.InvalidArgument(ErrorIds.RuntimeNotExecutable, $"The runtime '{runtime}' is not executable.", runtime);
        return OciRuntimeClient.GetVersion(runtime)
            ?? throw PscException.InvalidArgument(ErrorIds.RuntimeNoVersion, $"'{runtime}' does not answer --version like an OCI runtime.", runtime);
    }

    /// <summary>Set the runtime (null or empty: back to the bundled pscrun). Validates it first.</summary>
    public static EngineConfiguration SetRuntime(PscPaths paths, string? runtime)
    {
        string? version = string.IsNullOrEmpty(runtime) ? null : ValidateRuntime(runtime);
        Directory.CreateDirectory(paths.Root);
        SettingsFile(paths.ConfigFile).Update(o =>
        {
            if (string.IsNullOrEmpty(runtime)) o.Remove(RuntimeKey);
            else o[RuntimeKey] = runtime;
            return true;
        });
        var c = Load(paths);
        return new EngineConfiguration
        {
            Runtime = c.Runtime, IsDefaultRuntime = c.IsDefaultRuntime, StoreRoot = c.StoreRoot, ConfigFile = c.ConfigFile,
            RuntimeVersion = version ?? OciRuntimeClient.GetVersion(c.Runtime),
        };
    }
}
