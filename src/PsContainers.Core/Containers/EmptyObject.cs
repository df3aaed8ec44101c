namespace PsContainers.Core.Containers;

/// <summary>
/// The value of docker's set-like maps (Go's <c>struct{}</c>), such as Config.ExposedPorts <c>{"80/tcp": {}}</c>: no
/// members, so that ConvertTo-Json and System.Text.Json write it as <c>{}</c>. One shared instance,
/// <see cref="Value"/>; it holds no state.
/// </summary>
public sealed class EmptyObject
{
    private EmptyObject() { }

    /// <summary>The one instance.</summary>
    public static EmptyObject Value { get; } = new();

    /// <summary>"{}", as it is written in JSON.</summary>
    public override string ToString() => "{}";
}
