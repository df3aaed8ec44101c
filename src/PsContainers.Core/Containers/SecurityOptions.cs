namespace PsContainers.Core.Containers;

/// <summary>
/// The security options of a container, parsed once from docker's <c>--security-opt</c> strings
/// (https://docs.docker.com/reference/cli/docker/container/run/#security-opt) and stored in its record.
/// </summary>
public sealed class SecurityOptions
{
    /// <summary>
    /// Set the process's no_new_privs bit (prctl PR_SET_NO_NEW_PRIVS), so setuid and file-capability programs do not
    /// gain privileges. Off by default, as in docker and podman (sudo, su, ping work for a non-root user).
    /// </summary>
    public bool NoNewPrivileges { get; set; }

    /// <summary>No seccomp filter at all (<c>seccomp=unconfined</c>).</summary>
    public bool SeccompUnconfined { get; set; }

    /// <summary>
    /// The text of a seccomp profile (docker's JSON format, or runtime-spec's) that replaces the default one; read
    /// from the file at create time, as docker does, so the container does not depend on the file afterwards.
    /// Null: the default profile.
    /// </summary>
    public string? SeccompProfile { get; set; }

    /// <summary>
    /// True when nothing differs from the defaults. Internal: a public property would show in Get-Container's inspect
    /// data (ConvertTo-Json writes every public property).
    /// </summary>
    internal bool IsDefault => !NoNewPrivileges && !SeccompUnconfined && SeccompProfile is null;

    /// <summary>
    /// Parse docker's security options: <c>no-new-privileges</c> (also <c>:true</c>, <c>:false</c>, or with '='),
    /// <c>seccomp=unconfined</c> or <c>seccomp=&lt;profile file&gt;</c>, <c>apparmor=unconfined</c> (nothing to
    /// lift here). <paramref name="resolvePath"/> turns a profile file name into a full path (a cmdlet resolves it
    /// against the current location); without it the name is used as it is.
    /// Errors (PscException, InvalidArgument): InvalidSecurityOption for an unknown or malformed option,
    /// AppArmorNotAvailable for an AppArmor profile (AppArmor is not available to this engine), SELinuxNotAvailable
    /// for <c>label=...</c>; ObjectNotFound SeccompProfileNotFound when the profile file does not exist, InvalidData InvalidSeccompProfile when
    /// it is not JSON.
    /// </summary>
    public static SecurityOptions Parse(IEnumerable<string>? options, Func<string, string>? resolvePath = null)
    {
        var s = new SecurityOptions();
        foreach (var raw in options ?? [])
        {
            string opt = raw.Trim();
            int sep = opt.IndexOfAny(['=', ':']);
            string key = sep < 0 ? opt : opt[..sep];
            string? value = sep < 0 ? null : opt[(sep + 1)..];
            switch (key)
            {
                case "no-new-privileges":
                    s.NoNewPrivileges = value switch
                    {
                        null or "true" => true,
                        "false" => false,
                        _ => throw PscException.InvalidArgument(ErrorIds.InvalidSecurityOption, $"Security option '{raw}': no-new-privileges takes true or false.", raw),
                    };
                    break;
                case "seccomp" when sep >= 0 && opt[sep] == '=' && !string.IsNullOrEmpty(value):
                    if (value == "unconfined") { s.SeccompUnconfined = true; s.SeccompProfile = null; break; }
                    string file = resolvePath?.Invoke(value) ?? value;
                    if (!File.Exists(file))
                        throw PscException.NotFound(ErrorIds.SeccompProfileNotFound, $"Security option '{raw}': the seccomp profile '{file}' does not exist.", file);
                    s.SeccompProfile = File.ReadAllText(file);
                    try { using var _ = System.Text.Json.JsonDocument.Parse(s.SeccompProfile, new System.Text.Json.JsonDocumentOptions { CommentHandling = System.Text.Json.JsonCommentHandling.Skip, AllowTrailingCommas = true }); }
                    catch (System.Text.Json.JsonException e)
                    {
                        throw PscException.InvalidData(ErrorIds.InvalidSeccompProfile, $"Security option '{raw}': the seccomp profile '{file}' is not valid JSON: {e.Message}", file, e);
                    }
                    s.SeccompUnconfined = false;
                    break;
                case "apparmor" when sep >= 0 && opt[sep] == '=' && !string.IsNullOrEmpty(value):
                    if (value == "unconfined") break; // no AppArmor profile is applied here in the first place
                    throw PscException.InvalidArgument(ErrorIds.AppArmorNotAvailable,
                        $"Security option '{raw}': AppArmor is not available (this host has no AppArmor, and the runtime applies no AppArmor profile).", raw);
                case "label":
                    throw PscException.InvalidArgument(ErrorIds.SELinuxNotAvailable, $"Security option '{raw}': SELinux labels are not supported.", raw);
                default:
                    throw PscException.InvalidArgument(ErrorIds.InvalidSecurityOption,
                        $"Unknown security option '{raw}' (expected no-new-privileges[:true|false], seccomp=unconfined|<profile.json>, apparmor=unconfined).", raw);
            }
        }
        return s;
    }
}
