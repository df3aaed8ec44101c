using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace PsContainers.Core.Build;

/// <summary>
/// The cache key of one build step: the step is reused when its parent state, its instruction after expansion, the
/// build arguments it sees and the content it copies are all the same (Docker's rule, build-notes §3.5: RUN is never
/// re-validated against the outside world; COPY/ADD add a digest of the sources' content and metadata, not mtimes).
/// <para>Key = "sha256:" + hex SHA-256 over, in this order: the version tag <c>psc-build-cache-v1</c>, the parent id,
/// the instruction text, the visible args sorted ordinally, and the content digest (absent and "" differ). Each
/// field is written as a big-endian 32-bit byte count (-1 for absent) and its UTF-8 bytes, so no two different
/// inputs share an encoding. The format is stable: changing it means a new version tag (old entries then miss).</para>
/// </summary>
public static class BuildCacheKey
{
    /// <summary>The version tag hashed first.</summary>
    public const string Version = "psc-build-cache-v1";

    /// <summary>
    /// Compute a step's key.
    /// </summary>
    /// <param name="parentId">What the step starts from: the previous step's result (a chain id or image config
    /// digest, "sha256:…"), or for a stage's first step its base (image digest, or "scratch").</param>
    /// <param name="instructionText">The instruction after expansion, canonical (<see cref="InstructionText"/>).</param>
    /// <param name="visibleArgs">The ARG values the step sees, "NAME=value" (<see cref="BuildVariableScope.VisibleArgs"/>);
    /// their order does not matter.</param>
    /// <param name="contentDigest">For COPY/ADD: a digest of the sources' content, names, modes and owners; null otherwise.</param>
    /// <returns>"sha256:" + 64 lower-case hex digits.</returns>
    public static string Compute(string parentId, string instructionText, IEnumerable<string> visibleArgs, string? contentDigest = null)
    {
        ArgumentNullException.ThrowIfNull(parentId);
        ArgumentNullException.ThrowIfNull(instructionText);
        ArgumentNullException.ThrowIfNull(visibleArgs);
        using var h = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        void Field(string? s)
        {
            Span<byte> len = stackalloc byte[4];
            if (s is null) { BinaryPrimitives.WriteInt32BigEndian(len, -1); h.AppendData(len); return; }
            byte[] b = Encoding.UTF8.GetBytes(s);
            BinaryPrimitives.WriteInt32BigEndian(len, b.Length);
            h.AppendData(len);
            h.AppendData(b);
        }
        Field(Version);
        Field(parentId);
        Field(instructionText);
        var args = visibleArgs.OrderBy(a => a, StringComparer.Ordinal).ToList();
        Field(args.Count.ToString(System.Globalization.CultureInfo.InvariantCulture));
        foreach (var a in args) Field(a);
        Field(contentDigest);
        return "sha256:" + Convert.ToHexStringLower(h.GetHashAndReset());
    }

    /// <summary>
    /// The canonical text of an expanded instruction for <see cref="Compute"/>: a JSON object with the keyword, the
    /// flags in order, and what the step does — for RUN the argv it runs with <paramref name="shell"/> (so a SHELL
    /// change misses) and the heredoc bodies; for COPY/ADD the sources, heredoc sources with their content, the
    /// destination and the options; for CMD/ENTRYPOINT the stored argv; for the other instructions their typed
    /// words (ENV pairs, ports, paths, the healthcheck in ns…). Line numbers and file names are not part of it.
    /// </summary>
    /// <param name="instruction">The instruction, expanded (<see cref="BuildVariableScope.Expand"/>).</param>
    /// <param name="shell">The stage's SHELL (null: the default).</param>
    public static string InstructionText(DockerfileInstruction instruction, IReadOnlyList<string>? shell)
    {
        ArgumentNullException.ThrowIfNull(instruction);
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms))
        {
            w.WriteStartObject();
            w.WriteString("keyword", instruction.Keyword);
            w.WriteStartArray("flags");
            foreach (var f in instruction.Flags) w.WriteStringValue(f.ToString());
            w.WriteEndArray();
            switch (instruction)
            {
                case RunInstruction r:
                    Strings(w, "argv", r.ToArgv(shell));
                    Strings(w, "mounts", r.Mounts);
                    w.WriteString("network", r.Network);
                    w.WriteString("security", r.Security);
                    Heredocs(w, r.Heredocs);
                    break;
                case CopyInstruction c:
                    Strings(w, "sources", c.Sources);
                    Heredocs(w, c.InlineSources);
                    w.WriteString("destination", c.Destination);
                    w.WriteString("from", c.From);
                    w.WriteString("chown", c.Chown);
                    w.WriteString("chmod", c.Chmod);
                    w.WriteBoolean("link", c.Link);
                    w.WriteBoolean("parents", c.Parents);
                    Strings(w, "excludes", c.Excludes);
                    if (c is AddInstruction a)
                    {
                        w.WriteString("checksum", a.Checksum);
                        w.WriteBoolean("keepGitDir", a.KeepGitDir);
                        if (a.Unpack is { } u) w.WriteBoolean("unpack", u); else w.WriteNull("unpack");
                    }
                    break;
                case WorkdirInstruction wd: w.WriteString("path", wd.Path); break;
                case CmdInstruction cmd: Strings(w, "argv", cmd.CommandLine.ToArgv(shell)); break;
                case EntrypointInstruction ep: Strings(w, "argv", ep.CommandLine.ToArgv(shell)); break;
                case EnvInstruction env: Strings(w, "pairs", env.Pairs.Select(p => p.ToString())); break;
                case LabelInstruction label: Strings(w, "pairs", label.Pairs.Select(p => p.ToString())); break;
                case ArgInstruction arg: Strings(w, "args", arg.Arguments.Select(a => a.ToString())); break;
                case ExposeInstruction ex: Strings(w, "ports", ex.Ports); break;
                case VolumeInstruction v: Strings(w, "paths", v.Paths); break;
                case UserInstruction u: w.WriteString("user", u.User); break;
                case StopSignalInstruction ss: w.WriteString("signal", ss.Signal); break;
                case ShellInstruction sh: Strings(w, "shell", sh.Shell); break;
                case MaintainerInstruction m: w.WriteString("maintainer", m.Maintainer); break;
                case OnBuildInstruction ob: w.WriteString("expression", ob.Expression); break;
                case FromInstruction fr:
                    w.WriteString("base", fr.BaseName);
                    w.WriteString("platform", fr.Platform);
                    break;
                case HealthcheckInstruction hc:
                    var h = hc.ToHealthConfig();
                    Strings(w, "test", h.Test);
                    w.WriteNumber("interval", h.Interval);
                    w.WriteNumber("timeout", h.Timeout);
                    w.WriteNumber("startPeriod", h.StartPeriod);
                    w.WriteNumber("startInterval", h.StartInterval);
                    w.WriteNumber("retries", h.Retries);
                    break;
                default:
                    w.WriteString("original", instruction.Original);
                    break;
            }
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(ms.ToArray());
    }

    private static void Strings(Utf8JsonWriter w, string name, IEnumerable<string> values)
    {
        w.WriteStartArray(name);
        foreach (var v in values) w.WriteStringValue(v);
        w.WriteEndArray();
    }

    private static void Heredocs(Utf8JsonWriter w, IReadOnlyList<DockerfileHeredoc> docs)
    {
        w.WriteStartArray("heredocs");
        foreach (var d in docs)
        {
            w.WriteStartObject();
            w.WriteString("name", d.Name);
            w.WriteString("content", d.Content);
            w.WriteBoolean("expand", d.Expand);
            w.WriteNumber("fd", d.FileDescriptor);
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }
}
