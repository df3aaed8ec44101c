using System.Text;
using PsContainers.Core.Util;

namespace PsContainers.Core.Networking;

/// <summary>
/// A small shell program that releases a container's network when its process has ended, run by the OCI runtime
/// as a poststop hook (so it also runs for -Rm containers whose monitor deletes them, and after a kill). It does what
/// <see cref="CniExecutor.Del"/> does from the result cache: every cached attachment of the container gets a CNI DEL
/// through its plugins in reverse order (prevResult, CNI_ARGS and capability arguments from the cache), then the
/// namespace is unmounted. It takes the container's lock, as the engine does, and does nothing when the container's network was
/// set up again since (the setup id differs), so a late hook never tears down a newer start.
/// </summary>
public static class CleanupScript
{
    public const string Text = """
        #!/bin/sh
        # PsContainers: release the network of a stopped container (CNI DEL from the result cache).
        # usage: net-cleanup.sh STORE_ROOT CONTAINER_ID SETUP_ID
        root="$1"; id="$2"; setup="$3"
        [ -n "$root" ] && [ -n "$id" ] || exit 0
        PATH=/usr/local/sbin:/usr/sbin:/sbin:/usr/local/bin:/usr/bin:/bin
        export PATH   # hooks may run with an empty environment; the plugins run iptables through it
        [ -t 0 ] || cat >/dev/null 2>&1   # the runtime passes the container state on stdin
        nets="$root/networks"; cache="$nets/cache"; state="$root/containers/$id/network.json"
        lockdir="$nets/locks"
        if [ "$PSC_NET_CLEANUP_FG" != locked ]; then
            [ -d "$nets" ] && mkdir -p "$lockdir" 2>/dev/null
            if [ -d "$lockdir" ]; then
                exec 9>>"$lockdir/$id.lock"   # the container's own lock (the engine takes it before its store-wide one)
                flock 9
            fi
            # the release runs detached, holding the lock (fd 9 is inherited), so the runtime and an attached
            # -Remove run do not wait for it, while the engine, which takes the same lock, always sees it finished
            if [ -z "$PSC_NET_CLEANUP_FG" ]; then
                PSC_NET_CLEANUP_FG=locked setsid /bin/sh "$0" "$@" </dev/null >/dev/null 2>&1 &
                exit 0
            fi
        fi
        log="${PSCONTAINERS_RUN_DIR:-/run/pscontainers}/net-cleanup.log"
        if [ -f "$state" ] && [ -n "$setup" ]; then
            cur=$(sed -n 's/^ *"SetupId": *"\([0-9a-f]*\)".*/\1/p' "$state")
            [ -z "$cur" ] || [ "$cur" = "$setup" ] || { echo "$(date -u +%FT%TZ) $id: set up again since ($cur), left alone" >> "$log"; exit 0; }
        fi
        cnipath="${CNI_PATH:-/usr/lib/cni:/opt/cni/bin:/usr/libexec/cni}"
        netns=""
        failed=0
        tab=$(printf '\t')
        for f in "$cache"/*-"$id"-*.json; do
            [ -f "$f" ] || continue
            # one jq run per attachment: a header line, then one line per plugin in DEL (reverse) order
            plan=$(jq -r '
                .config as $c | (.capabilityArgs // {}) as $caps | .result as $r
                | ([.ifName, (.netns // ""), ((["IgnoreUnknown=1"] + [(.cniArgs // [])[] | "\(.[0])=\(.[1])"]) | join(";"))] | join("\t")),
                  ($c.plugins | to_entries | reverse[] | .value
                   | (. + {name: $c.name, cniVersion: ($c.cniVersion // "1.0.0"), prevResult: $r}
                      | if .capabilities then
                          ([.capabilities | to_entries[] | select(.value == true) | .key | select($caps[.] != null) | {(.): $caps[.]}] | add) as $rc
                          | if $rc then .runtimeConfig = $rc else . end
                        else . end) as $conf
                   | "\(.type)\t\($conf | tojson)")' "$f") || { [ -f "$f" ] && failed=1; continue; }
            ifname=$(printf '%s\n' "$plan" | head -n 1 | cut -f1)
            netns=$(printf '%s\n' "$plan" | head -n 1 | cut -f2)
            args=$(printf '%s\n' "$plan" | head -n 1 | cut -f3)
            ns="$netns"
            if [ -z "$ns" ] || ! mountpoint -q "$ns" 2>/dev/null; then ns=""; fi
            ok=1
            printf '%s\n' "$plan" | tail -n +2 > "$f.plan"
            while IFS="$tab" read -r type conf; do
                plugin=""
                for d in $(echo "$cnipath" | tr ':' ' '); do [ -x "$d/$type" ] && { plugin="$d/$type"; break; }; done
                if [ -n "$plugin" ]; then
                    printf '%s' "$conf" | CNI_COMMAND=DEL CNI_CONTAINERID="$id" CNI_NETNS="$ns" CNI_IFNAME="$ifname" \
                        CNI_ARGS="$args" CNI_PATH="$cnipath" "$plugin" >/dev/null 2>&1 || ok=0
                else ok=0; fi
            done < "$f.plan"
            rm -f "$f.plan"
            if [ "$ok" = 1 ]; then rm -f "$f"; else failed=1; echo "$(date -u +%FT%TZ) $id: DEL failed on $f" >> "$log"; fi
        done
        # when a DEL failed, the namespace stays for the engine's own teardown to retry with
        [ "$failed" = 0 ] || exit 0
        short=$(printf '%s' "$id" | cut -c1-16)
        for ns in "$netns" "${PSCONTAINERS_NETNS_DIR:-/run/netns}/psc-$short"; do
            [ -n "$ns" ] || continue
            while mountpoint -q "$ns" 2>/dev/null; do umount -l "$ns" 2>/dev/null || break; done
            rm -f "$ns"
        done
        # the ports and addresses are released: forget them (hosts of peers are refreshed by the engine)
        rm -f "$state"
        exit 0
        """;

    /// <summary>Write the script to the host-wide run directory (when missing or different); its path.</summary>
    public static string Install()
    {
        string path = Path.Combine(NetworkStore.RunDirectory, "net-cleanup.sh");
        string text = Text.Replace("\r\n", "\n") + "\n";
        try
        {
            if (File.Exists(path) && File.ReadAllText(path) == text) return path;
        }
        catch (IOException) { }
        Directory.CreateDirectory(NetworkStore.RunDirectory);
        AtomicFile.WriteAllBytes(path, Encoding.UTF8.GetBytes(text), (UnixFileMode)0x1ed);
        return path;
    }
}
