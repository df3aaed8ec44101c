using System.Text.Json.Serialization;

namespace PsContainers.Runtime;

/// <summary>Source-generated JSON for <see cref="LogLine"/> (NativeAOT: no reflection).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = false)]
[JsonSerializable(typeof(LogLine))]
internal partial class PscrunLogJson : JsonSerializerContext { }
