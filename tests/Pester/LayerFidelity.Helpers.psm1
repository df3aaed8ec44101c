# Helpers for LayerFidelity.Tests.ps1: a tree with every feature tar can express, and a byte-exact snapshot of a
# tree (names and link targets in hex, so names that are not UTF-8 stay distinct).

Set-StrictMode -Version 3.0

function New-FidelityTree {
    <#
    .SYNOPSIS
    Fills Path with: names that are not UTF-8 (caf\xe9, caf\xe8) and links to them, hard links (and their shared
    mode), file capabilities (cap_setuid,cap_setgid=ep and cap_net_raw=ep), user.* xattrs with bytes >= 0x80, long
    names and a long link target, devices, a FIFO, setuid/setgid/sticky modes, a large uid/gid, a sub-second mtime
    and sparse files (one larger than tar's 8 GiB octal limit).
    #>
    param([Parameter(Mandatory)] [string] $Path, [switch] $NoSparse)
    $long = 'd' * 120
    $longFile = 'f' * 150
    $target = 't' * 250
    $script = @"
set -e
cd '$Path'
printf 'e-acute' > `$'caf\xe9'
printf 'e-grave' > `$'caf\xe8'
ln -s `$'caf\xe9' `$'link-to-caf\xe9'
ln `$'caf\xe8' `$'hard-caf\xe8'
mkdir `$'dir-\xff\xfe'
printf 'inner' > `$'dir-\xff\xfe/inner-\xe9'
printf 'cap' > capfile; chmod 0755 capfile; setcap cap_setuid,cap_setgid=ep capfile
printf 'raw' > capraw; chmod 0755 capraw; setcap cap_net_raw=ep capraw
printf 'x' > userx; setfattr -n user.bin -v 0x80ff00fe01 userx; setfattr -n user.text -v hello userx
printf 'shared' > hard-a; chmod 0640 hard-a; chown 7:8 hard-a; ln hard-a hard-b
mkdir -p '$long/$long'; printf 'deep' > '$long/$long/$longFile'
ln -s '$target' longlink
mknod chardev c 1 3; mknod blockdev b 7 200; mkfifo fifo
printf 's' > suid; chmod 4755 suid
mkdir sgid-dir; chmod 2775 sgid-dir
mkdir sticky; chmod 1777 sticky
printf 'id' > bigid; chown 3000000000:3000000001 bigid
printf 'sub' > subsec; touch -h -d '2021-02-03 04:05:06.123456789' subsec
"@
    if (-not $NoSparse) {
        $script += @"

truncate -s 9G sparse-big; printf 'end' | dd of=sparse-big bs=1 seek=`$((9*1024*1024*1024-3)) conv=notrunc status=none
truncate -s 4M sparse-mid; printf 'middle' | dd of=sparse-mid bs=1 seek=1048576 conv=notrunc status=none
"@
    }
    & bash -c $script
    if ($LASTEXITCODE -ne 0) { throw "could not build the fidelity tree in $Path" }
}

function Get-ByteTreeSnapshot {
    <#
    .SYNOPSIS
    One line per entry below Path (not following links), sorted: hex name | type | mode | uid:gid | size or
    major:minor | hex link target | hard-link group | mtime (seconds, or with nanoseconds with -Nanoseconds) | xattrs
    (hex) | a content hash (or, for large sparse files, the last bytes).
    .PARAMETER SkipDirectoryTimes
    Directory mtimes change with every entry created in them; some tools do not restore them.
    #>
    param(
        [Parameter(Mandatory)] [string] $Path,
        [switch] $Nanoseconds,
        [switch] $SkipDirectoryTimes,
        [switch] $SkipXattrs,
        [string[]] $IgnoreXattr = @()
    )
    $fmt = if ($Nanoseconds) { '%.Y' } else { '%Y' }
    $ign = ($IgnoreXattr | ForEach-Object { "-e '^$_='" }) -join ' '
    if (-not $ign) { $ign = "-e '^\$'" }
    $skipTimes = if ($SkipDirectoryTimes) { 1 } else { 0 }
    $noX = if ($SkipXattrs) { 1 } else { 0 }
    $script = @"
export LC_ALL=C
cd '$Path' || exit 1
hex() { printf '%s' "`$1" | od -An -tx1 -v | tr -d ' \n'; }
declare -A groups
n=0
find . -mindepth 1 -print0 | sort -z | while IFS= read -r -d '' f; do
  t=`$(stat -c '%F' -- "`$f")
  mode=`$(stat -c '%a' -- "`$f"); owner=`$(stat -c '%u:%g' -- "`$f")
  case "`$t" in
    'character special file'|'block special file') size=`$(stat -c '%t:%T' -- "`$f") ;;
    directory) size=- ;;
    *) size=`$(stat -c '%s' -- "`$f") ;;
  esac
  link=''; [ -L "`$f" ] && link=`$(hex "`$(readlink -- "`$f")")
  nl=`$(stat -c '%h' -- "`$f"); hard=''
  if [ "`$t" != directory ] && [ "`$nl" -gt 1 ]; then hard="ino-links=`$nl"; fi
  mt=`$(stat -c '$fmt' -- "`$f"); [ "`$t" = directory ] && [ $skipTimes = 1 ] && mt=-
  x=''
  if [ $noX = 0 ] && [ ! -L "`$f" ]; then x=`$(getfattr -h -d -m - -e hex -- "`$f" 2>/dev/null | grep -v '^#' | grep -v '^`$' | grep -v $ign | sort | tr '\n' ';'); fi
  sum=''
  if [ "`$t" = 'regular file' ] || [ "`$t" = 'regular empty file' ]; then
    s=`$(stat -c '%s' -- "`$f")
    if [ "`$s" -gt 67108864 ]; then sum="tail=`$(tail -c 16 -- "`$f" | od -An -tx1 | tr -d ' \n')"; else sum=`$(sha256sum -- "`$f" | cut -c1-16); fi
  fi
  printf '%s|%s|%s|%s|%s|%s|%s|%s|%s|%s\n' "`$(hex "`${f#./}")" "`$t" "`$mode" "`$owner" "`$size" "`$link" "`$hard" "`$mt" "`$x" "`$sum"
done
"@
    $lines = & bash -c $script
    if ($LASTEXITCODE -ne 0) { throw "snapshot of $Path failed" }
    , @($lines)
}

function Get-InodeGroups {
    <# The sets of hex names below Path that share an inode (hard links), sorted, as strings. #>
    param([Parameter(Mandatory)] [string] $Path)
    $script = @"
export LC_ALL=C
cd '$Path' || exit 1
find . -mindepth 1 ! -type d -links +1 -printf '%i %P\0' | while IFS= read -r -d '' l; do
  ino=`${l%% *}; name=`${l#* }
  printf '%s %s\n' "`$ino" "`$(printf '%s' "`$name" | od -An -tx1 -v | tr -d ' \n')"
done
"@
    $rows = @(& bash -c $script)
    , @($rows | ForEach-Object { $i, $n = $_ -split ' ', 2; [pscustomobject]@{ I = $i; N = $n } } |
            Group-Object I | ForEach-Object { ($_.Group.N | Sort-Object) -join ',' } | Sort-Object)
}

function Get-HexName([string] $Text) {
    <# The hex form Get-ByteTreeSnapshot uses for a name given as bash $'...' escapes. #>
    (& bash -c "printf '%s' `$'$Text' | od -An -tx1 -v | tr -d ' \n'")
}

Export-ModuleMember -Function New-FidelityTree, Get-ByteTreeSnapshot, Get-InodeGroups, Get-HexName
