<#
.SYNOPSIS
    The child side of Invoke-InPrivateMountNamespace (HostSafety.Helpers.psm1). Runs under
    `unshare --mount --pid --fork --mount-proc --propagation private`: checks that no process outside is visible
    through /proc, makes every mount read-only (inside this namespace only), covers /sys/fs/cgroup, /run, /tmp and
    /dev/shm with scratch tmpfs mounts, proves that nothing else is writable, imports the module with a store root in the scratch /tmp, runs the
    script block read from standard input and prints its result as one line "PSC-RESULT:<base64 CliXml>".
#>
$ErrorActionPreference = 'Stop'
$PSStyle.OutputRendering = 'PlainText'
$payload = [Management.Automation.PSSerializer]::Deserialize([Console]::In.ReadToEnd())

function Invoke-Mount([string[]] $MountArgs) {
    & mount @MountArgs 2>&1 | Out-Null
    return ($LASTEXITCODE -eq 0)
}

# 0. Nothing outside this namespace may be reachable through /proc: only our own processes are visible, and PID 1
#    shares our mount namespace.
$pids = @(Get-ChildItem /proc -Directory | Where-Object Name -match '^\d+$')
if ($pids.Count -gt 50) { throw "the child sees $($pids.Count) processes: /proc is not private" }
if ((& readlink /proc/1/ns/mnt) -ne (& readlink /proc/self/ns/mnt)) { throw 'PID 1 of this namespace is in another mount namespace' }

# Of the machine's cgroup hierarchies only a fresh child cgroup per hierarchy is reachable from here (containers
# still run with real cgroups): a scratch tmpfs covers /sys/fs/cgroup and each hierarchy's psc-ns-<id> child is
# bind-mounted where the hierarchy was. The caller removes those (empty) cgroups afterwards.
$cgroupName = $payload.CgroupName
$controllers = @(Get-ChildItem /sys/fs/cgroup -Directory -Name)
if (-not (Invoke-Mount @('-t', 'tmpfs', '-o', 'mode=0755,size=16m', 'psc-scratch-stage', '/mnt'))) { throw 'could not mount the staging tmpfs' }
foreach ($c in $controllers) {
    New-Item -ItemType Directory "/sys/fs/cgroup/$c/$cgroupName" -Force | Out-Null
    if ($c -eq 'cpuset') {
        # a new v1 cpuset starts empty: give it its parent's CPUs and memory nodes, as a runtime does
        foreach ($f in 'cpuset.cpus', 'cpuset.mems') { [IO.File]::WriteAllText("/sys/fs/cgroup/cpuset/$cgroupName/$f", [IO.File]::ReadAllText("/sys/fs/cgroup/cpuset/$f").Trim()) }
    }
    New-Item -ItemType Directory "/mnt/$c" | Out-Null
    if (-not (Invoke-Mount @('--bind', "/sys/fs/cgroup/$c/$cgroupName", "/mnt/$c"))) { throw "could not bind the $c test cgroup" }
}
if (-not (Invoke-Mount @('-t', 'tmpfs', '-o', 'mode=0755,size=16m', 'psc-scratch-cgroup', '/sys/fs/cgroup'))) { throw 'could not cover /sys/fs/cgroup' }
foreach ($c in $controllers) {
    New-Item -ItemType Directory "/sys/fs/cgroup/$c" | Out-Null
    if (-not (Invoke-Mount @('--move', "/mnt/$c", "/sys/fs/cgroup/$c"))) { throw "could not move the $c test cgroup into place" }
}
$null = Invoke-Mount @('-o', 'remount,bind,ro', '/sys/fs/cgroup')
& umount /mnt

# 1. Every mount of the machine becomes read-only in this namespace (deepest first, so a parent's remount cannot
#    hide a child). /proc and the cgroup mounts stay writable when containers must run.
$mounts = Get-Content /proc/self/mountinfo | ForEach-Object { ($_ -split ' ')[4] -replace '\\040', ' ' } |
    Select-Object -Unique | Sort-Object Length -Descending
foreach ($m in $mounts) {
    if ($payload.AllowContainers -and ($m -eq '/proc' -or $m -like '/proc/*')) { continue }
    if ($m -like '/sys/fs/cgroup/*') { continue } # the test cgroups placed above
    $null = Invoke-Mount @('-o', 'remount,bind,ro', $m)
}
$rootRo = (Get-Content /proc/self/mountinfo | Where-Object { ($_ -split ' ')[4] -eq '/' } | Select-Object -Last 1) -match '(^| )ro[, ]'
if (-not $rootRo) { throw 'could not make / read-only in the private mount namespace' }

# 2. Scratch file systems where hostile links point and where the store lives. The module (which may live under
#    /tmp, as in a CI clone there) is copied into the scratch /run first.
if (-not (Invoke-Mount @('-t', 'tmpfs', '-o', 'mode=0755,size=512m', 'psc-scratch', '/run'))) { throw 'could not mount a scratch tmpfs on /run' }
$moduleDir = '/run/psc-test-module'
Copy-Item -Recurse (Split-Path $payload.Module) $moduleDir
$imports = foreach ($i in $payload.Imports) { $d = Join-Path '/run/psc-test-imports' ([guid]::NewGuid().ToString('N')); New-Item -ItemType Directory $d | Out-Null; Copy-Item $i $d; Join-Path $d (Split-Path -Leaf $i) }
foreach ($m in @('/tmp')) {
    if (-not (Invoke-Mount @('-t', 'tmpfs', '-o', 'mode=0755,size=512m', 'psc-scratch', $m))) { throw "could not mount a scratch tmpfs on $m" }
}
& chmod 1777 /tmp
# A read-only mount does not stop writes to the device nodes on it (the kernel checks the mount only for regular
# files, directories and links): the machine's disks (/dev/vda, /dev/loop*, /dev/zram*) and /dev/kmsg would stay
# writable through a hostile link to them. /dev becomes a scratch tmpfs holding only harmless character devices.
if (-not (Invoke-Mount @('-t', 'tmpfs', '-o', 'mode=0755,size=1m', 'psc-scratch-dev', '/dev'))) { throw 'could not cover /dev' }
foreach ($d in @(@('null', 1, 3), @('zero', 1, 5), @('full', 1, 7), @('random', 1, 8), @('urandom', 1, 9), @('tty', 5, 0))) {
    & mknod -m 0666 "/dev/$($d[0])" c $d[1] $d[2]
    if ($LASTEXITCODE -ne 0) { throw "could not create /dev/$($d[0])" }
}
foreach ($d in 'shm', 'pts', 'mqueue') { New-Item -ItemType Directory "/dev/$d" | Out-Null }
if (-not (Invoke-Mount @('-t', 'tmpfs', '-o', 'mode=1777,size=512m', 'psc-scratch', '/dev/shm'))) { throw 'could not mount a scratch tmpfs on /dev/shm' }
if (-not (Invoke-Mount @('-t', 'devpts', '-o', 'newinstance,ptmxmode=0666,mode=0620', 'psc-scratch-devpts', '/dev/pts'))) { throw 'could not mount a private devpts' }
& ln -s pts/ptmx /dev/ptmx; & ln -s /proc/self/fd /dev/fd
& ln -s /proc/self/fd/0 /dev/stdin; & ln -s /proc/self/fd/1 /dev/stdout; & ln -s /proc/self/fd/2 /dev/stderr
# With containers allowed /proc is this PID namespace's own procfs, but /proc/sys and /proc/sysrq-trigger are the
# machine's kernel settings (core_pattern, drop_caches, sysrq): read-only, as a container runtime makes them.
if ($payload.AllowContainers) {
    foreach ($p in '/proc/sys', '/proc/sysrq-trigger', '/proc/irq', '/proc/bus', '/proc/fs', '/proc/acpi', '/proc/scsi') {
        if (-not (Test-Path -LiteralPath $p)) { continue }
        if (-not ((Invoke-Mount @('--bind', $p, $p)) -and (Invoke-Mount @('-o', 'remount,bind,ro', $p)))) { throw "could not make $p read-only" }
    }
}
New-Item -ItemType Directory /run/lock | Out-Null
& chmod 1777 /run/lock
# 3. Prove it: every writable mount is one of ours (scratch tmpfs, the new /proc of this PID namespace).
#    A mount hidden under another one at the same place (the machine's /proc under ours) cannot be reached; the
#    last one listed for a mount point is the one paths lead to.
$visible = [ordered]@{}
foreach ($line in Get-Content /proc/self/mountinfo) { $visible[($line -split ' ')[4]] = $line }
foreach ($line in $visible.Values) {
    $f = $line -split ' '
    $mp = $f[4]; $opts = $f[5]; $source = $f[-2]
    if ($opts -notmatch '(^|,)rw(,|$)') { continue }
    $ours = ($source -like 'psc-scratch*') -or ($mp -eq '/proc' -and $payload.AllowContainers) -or
        ($mp -like '/sys/fs/cgroup/*' -and $f[3] -like "*/$cgroupName")
    if (-not $ours) { throw "a mount of the machine is still writable here: $line" }
}

# ... and no device node of the machine or global kernel setting is writable (access(2) only: nothing is opened)
$allowedDev = '/dev/null', '/dev/zero', '/dev/full', '/dev/random', '/dev/urandom', '/dev/tty', '/dev/pts/ptmx'
$writable = @(& find /dev '(' -type b -o -type c ')' 2>$null | Where-Object { $_ -notin $allowedDev })
if ($writable.Count -gt 0) { throw "unexpected device nodes in the scratch /dev: $($writable -join ', ')" }
foreach ($p in '/proc/sys/kernel/core_pattern', '/proc/sys/vm/drop_caches', '/proc/sysrq-trigger') {
    & test -w $p
    if ($LASTEXITCODE -eq 0) { throw "a kernel setting of the machine is writable here: $p" }
}

$env:PSCONTAINERS_ROOT = '/tmp/store'
New-Item -ItemType Directory $env:PSCONTAINERS_ROOT | Out-Null

Import-Module (Join-Path $moduleDir (Split-Path -Leaf $payload.Module)) -Force
foreach ($i in $imports) { Import-Module $i -Force }

$result = $null
try {
    $sb = [scriptblock]::Create($payload.Script)
    $result = & $sb @($payload.Arguments)
} finally {
    # leave nothing running: containers started here die with this namespace's last process
    Get-Container -All -ErrorAction SilentlyContinue | Remove-Container -Force -ErrorAction SilentlyContinue
}
$xml = [Management.Automation.PSSerializer]::Serialize($result, 6)
'PSC-RESULT:' + [Convert]::ToBase64String([Text.Encoding]::UTF8.GetBytes($xml))
