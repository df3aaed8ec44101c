using System.Net;
using System.Text.Json;

namespace PsContainers.Core.Registry;

/// <summary>One entry of a registry's <c>{"errors":[{"code","message","detail"}]}</c> body.</summary>
public sealed record RegistryErrorEntry(string Code, string Message, string? Detail);
