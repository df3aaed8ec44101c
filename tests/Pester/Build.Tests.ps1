# Build-ContainerImage: real builds on the generated busybox test image (nothing downloaded), each image then run.

BeforeAll {
    Import-Module "$PSScriptRoot/TestHelpers.psm1" -Force
    Import-PsContainersForTest
    Import-Module "$PSScriptRoot/Images.Helpers.psm1" -Force
    Import-Module "$PSScriptRoot/Containers.Helpers.psm1" -Force
    $script:Root = Initialize-ContainerTestStore
    $script:Img = 'busybox-test:latest'
    $script:Work = Join-Path ([IO.Path]::GetTempPath()) "psc-build-$([guid]::NewGuid().ToString('N'))"
    $null = New-Item -ItemType Directory $script:Work

    function New-Context([string] $Name, [hashtable] $Files) {
        $dir = Join-Path $script:Work $Name
        $null = New-Item -ItemType Directory -Force $dir
        foreach ($k in $Files.Keys) {
            $p = Join-Path $dir $k
            $null = New-Item -ItemType Directory -Force (Split-Path $p)
            [IO.File]::WriteAllText($p, $Files[$k])
        }
        $dir
    }

    function Get-RawImageConfig([string] $Reference) {
        # the config blob as stored (Healthcheck, Shell, OnBuild are read from it as docker inspect shows them)
        $img = Get-ContainerImage $Reference
        $hex = $img.Id.Substring(7)
        $blob = Get-ChildItem -Recurse -File "$script:Root/storage" | Where-Object Name -eq $hex | Select-Object -First 1
        Get-Content -Raw $blob.FullName | ConvertFrom-Json -AsHashtable
    }

    function Test-NoBuildLeftovers {
        # no working container, no mount under the store
        @(Get-Container -All | Where-Object { $_.Labels.ContainsKey('io.pscontainers.build.step') }).Count | Should -Be 0
        @(Get-Content /proc/self/mountinfo | Where-Object { $_ -like "* $script:Root/*" }).Count | Should -Be 0
    }
}

AfterAll {
    Remove-ContainerTestStore $script:Root
    if ($script:Work) { Remove-Item -Recurse -Force $script:Work -ErrorAction SilentlyContinue }
}

Describe 'Build-ContainerImage' {
    It 'builds a multi-stage Dockerfile: COPY --from, ARG scoping, --chown/--chmod, ADD of a tar, and the config' {
        $ctx = New-Context 'multi' @{
            'app.sh'       = "#!/bin/sh`necho app says hi`n"
            'pkg/in/x.txt' = "from the tarball`n"
            'Dockerfile'   = @'
ARG BASE=busybox-test:latest
ARG GLOBAL_ONLY=global
FROM $BASE AS builder
ARG GREETING=hello
RUN echo "$GREETING from builder" > /greeting && mkdir -p /out && echo built > /out/artifact && echo "app:x:1001:1002::/home/app:/bin/sh" >> /etc/passwd && echo "app:x:1002:" >> /etc/group
FROM builder AS final
ARG GREETING
ENV APP_HOME=/app NAME=world
WORKDIR $APP_HOME
COPY --from=builder /out/ ./
COPY --from=0 /greeting /etc/greeting
COPY --chown=app --chmod=0750 app.sh ./bin/
COPY --chown=nobody:nogroup app.sh /srv/by-name.sh
ADD pkg.tgz /opt/
LABEL org.test.kind=multi org.test.home="$APP_HOME"
EXPOSE 8081/udp
HEALTHCHECK --interval=5s --retries=2 CMD ["true"]
STOPSIGNAL SIGQUIT
RUN echo "arg=[$GREETING] global=[$GLOBAL_ONLY] name=[$NAME]" > /app/args.txt
SHELL ["/bin/sh", "-e", "-c"]
USER nobody
ENTRYPOINT ["/bin/sh", "-c"]
CMD ["cat /app/artifact /etc/greeting /app/args.txt"]
'@
        }
        & tar -czf (Join-Path $ctx 'pkg.tgz') -C (Join-Path $ctx 'pkg') in
        $img = Build-ContainerImage -Path $ctx -Tag build-multi:1 -BuildArgument @{ GREETING = 'hi' } -Label @{ 'org.test.extra' = 'x' }
        $img.RepoTags | Should -Contain 'build-multi:1'

        # the image runs its CMD through its ENTRYPOINT
        $out = Invoke-ContainerImage build-multi:1 -Remove
        $out | Should -Be @('built', 'hi from builder', 'arg=[hi] global=[] name=[world]')

        # files, modes and owners
        $ls = Invoke-ContainerImage build-multi:1 -Remove -Entrypoint /bin/busybox -- stat -c '%n %a %u:%g' /app/bin/app.sh /srv/by-name.sh /app/artifact /opt/in/x.txt
        $ls | Should -Be @('/app/bin/app.sh 750 1001:1001', '/srv/by-name.sh 644 65534:65534', '/app/artifact 644 0:0', '/opt/in/x.txt 644 0:0')
        Invoke-ContainerImage build-multi:1 -Remove -Entrypoint /bin/busybox -- cat /opt/in/x.txt | Should -Be 'from the tarball'
        Invoke-ContainerImage build-multi:1 -Remove -User 0 -Entrypoint /app/bin/app.sh | Should -Be 'app says hi'

        # the config as docker stores it
        $cfg = (Get-RawImageConfig build-multi:1).config
        $cfg.Env | Should -Contain 'APP_HOME=/app'
        $cfg.Env | Should -Contain 'NAME=world'
        @($cfg.Env | Where-Object { $_ -like 'GREETING=*' }).Count | Should -Be 0   # ARGs are not persisted
        $cfg.WorkingDir | Should -Be '/app'
        $cfg.User | Should -Be 'nobody'
        $cfg.Entrypoint | Should -Be @('/bin/sh', '-c')
        $cfg.Cmd | Should -Be @('cat /app/artifact /etc/greeting /app/args.txt')
        $cfg.Labels['org.test.kind'] | Should -Be 'multi'
        $cfg.Labels['org.test.home'] | Should -Be '/app'
        $cfg.Labels['org.test.extra'] | Should -Be 'x'
        $cfg.Labels['org.opencontainers.image.title'] | Should -Be 'busybox-test'   # inherited
        $cfg.ExposedPorts.Keys | Should -Contain '8081/udp'
        $cfg.StopSignal | Should -Be 'SIGQUIT'
        $cfg.Healthcheck.Test | Should -Be @('CMD', 'true')
        $cfg.Healthcheck.Interval | Should -Be 5000000000
        $cfg.Healthcheck.Retries | Should -Be 2
        $cfg.Shell | Should -Be @('/bin/sh', '-e', '-c')

        # history: one entry per step, metadata steps without a layer
        $raw = Get-RawImageConfig build-multi:1
        $hist = $raw.history | Where-Object { $_.created_by -like 'RUN *' }
        @($hist).Count | Should -Be 2
        @($hist)[1].created_by | Should -BeLike 'RUN |1 GREETING=hi /bin/sh -c echo "arg=*'
        ($raw.history | Where-Object created_by -eq 'ENV APP_HOME=/app NAME=world').empty_layer | Should -BeTrue
        $raw.rootfs.diff_ids.Count | Should -Be (3 + 8)   # busybox's 3 + RUN, WORKDIR, COPY x4, ADD, RUN
        Test-NoBuildLeftovers
    }

    It 'runs heredocs, uses SHELL for later shell forms, stores ONBUILD, and writes the OCI format' {
        $ctx = New-Context 'heredoc' @{ 'Dockerfile' = @'
FROM busybox-test:latest
COPY <<EOF /etc/heredoc.txt
line one
line two
EOF
RUN <<EOT
echo from heredoc > /run-heredoc.txt
EOT
SHELL ["/bin/busybox", "sh", "-c"]
RUN echo "$0" > /shell0.txt
ONBUILD RUN echo triggered
CMD cat /etc/heredoc.txt /run-heredoc.txt /shell0.txt
'@ }
        $img = Build-ContainerImage $ctx -Tag build-heredoc:1 -Format Oci
        Invoke-ContainerImage build-heredoc:1 -Remove | Should -Be @('line one', 'line two', 'from heredoc', 'sh')
        $cfg = (Get-RawImageConfig build-heredoc:1).config
        $cfg.Cmd | Should -Be @('/bin/busybox', 'sh', '-c', 'cat /etc/heredoc.txt /run-heredoc.txt /shell0.txt')
        $cfg.OnBuild | Should -Be @('RUN echo triggered')
        $cfg.Shell | Should -Be @('/bin/busybox', 'sh', '-c')
        $manifest = Get-ChildItem -Recurse -File "$script:Root/storage" | Where-Object Name -eq $img.Digest.Substring(7) | Select-Object -First 1
        (Get-Content -Raw $manifest.FullName | ConvertFrom-Json).mediaType | Should -Be 'application/vnd.oci.image.manifest.v1+json'
    }

    It 'runs the ONBUILD triggers of a base image in the child build, and does not pass them on' {
        $base = New-Context 'onbuild-base' @{ 'Dockerfile' = "FROM busybox-test:latest`nONBUILD COPY marker.txt /from-child-context.txt`nONBUILD RUN echo triggered > /onbuild.txt`n" }
        $null = Build-ContainerImage $base -Tag build-onbuild-base:1
        (Get-RawImageConfig build-onbuild-base:1).config.OnBuild | Should -Be @('COPY marker.txt /from-child-context.txt', 'RUN echo triggered > /onbuild.txt')
        $child = New-Context 'onbuild-child' @{ 'marker.txt' = 'child'; 'Dockerfile' = "FROM build-onbuild-base:1`nCMD [`"cat`", `"/onbuild.txt`", `"/from-child-context.txt`"]`n" }
        $null = Build-ContainerImage $child -Tag build-onbuild-child:1
        Invoke-ContainerImage build-onbuild-child:1 -Remove | Should -Be @('triggered', 'child')
        (Get-RawImageConfig build-onbuild-child:1).config.OnBuild | Should -BeNullOrEmpty
    }

    It 'applies .dockerignore with ! exceptions' {
        $ctx = New-Context 'ignore' @{
            'keep.txt'         = 'k'
            'debug.log'        = 'd'
            'important.log'    = 'i'
            'secret/key'       = 's'
            'docs/a.md'        = 'a'
            '.dockerignore'    = "# comment`n*.log`n!important.log`nsecret`n"
            'Dockerfile'       = "FROM busybox-test:latest`nCOPY . /ctx/`nCMD [`"find`", `"/ctx`", `"-type`", `"f`"]`n"
        }
        $null = Build-ContainerImage $ctx -Tag build-ignore:1
        $files = Invoke-ContainerImage build-ignore:1 -Remove | Sort-Object
        $files | Should -Be @('/ctx/.dockerignore', '/ctx/Dockerfile', '/ctx/docs/a.md', '/ctx/important.log', '/ctx/keep.txt')
    }

    It 'fails a RUN that exits non-zero, naming the line and the code, and leaves nothing behind' {
        $ctx = New-Context 'fail' @{ 'Dockerfile' = "FROM busybox-test:latest`nRUN echo step one`n# a comment`nRUN echo about to fail; exit 3`nRUN echo never`n" }
        $err = $null
        $null = Build-ContainerImage $ctx -Tag build-fail:1 -ErrorVariable err -ErrorAction SilentlyContinue -InformationVariable info
        $err | Should -Not -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -BeLike 'BuildStepFailed*'
        $err[0].Exception.Message | Should -BeLike 'Dockerfile:4:*exit 3*non-zero code: 3'
        $lines = @($info | ForEach-Object { "$($_.MessageData)".Trim() })
        $lines | Should -Contain 'step one'
        $lines | Should -Contain 'about to fail'
        $lines | Should -Not -Contain 'never'
        { Get-ContainerImage build-fail:1 -ErrorAction Stop } | Should -Throw
        Test-NoBuildLeftovers
    }

    It 'builds stages that do not depend on each other at the same time, as BuildKit does' {
        # each RUN marks a shared cache mount and waits (up to 60 s) for the other's mark: built one after the
        # other, the first would never see the second's and the build would fail
        $id = "pester-meet-$([guid]::NewGuid().ToString('N').Substring(0, 8))"
        $wait = 'i=0; while [ ! -e /meet/OTHER ] && [ $i -lt 600 ]; do sleep 0.1; i=$((i+1)); done; test -e /meet/OTHER && echo SELF met OTHER > /SELF'
        $ctx = New-Context 'parallel' @{ 'Dockerfile' = @"
FROM busybox-test:latest AS left
RUN --mount=type=cache,target=/meet,id=$id,sharing=shared touch /meet/left; $($wait -replace 'OTHER', 'right' -replace 'SELF', 'left')
FROM busybox-test:latest AS right
RUN --mount=type=cache,target=/meet,id=$id,sharing=shared touch /meet/right; $($wait -replace 'OTHER', 'left' -replace 'SELF', 'right')
FROM busybox-test:latest
COPY --from=left /left /met/
COPY --from=right /right /met/
CMD ["cat", "/met/left", "/met/right"]

"@ }
        $null = Build-ContainerImage $ctx -Tag build-parallel:1 -NoCache
        Invoke-ContainerImage build-parallel:1 -Remove | Should -Be @('left met right', 'right met left')
        Test-NoBuildLeftovers
    }

    It 'stops the other stages when one stage fails, reports that failure, and leaves nothing behind' {
        $ctx = New-Context 'parallel-fail' @{ 'Dockerfile' = @"
FROM busybox-test:latest AS slow
RUN sleep 300
FROM busybox-test:latest AS broken
RUN sleep 1; exit 3
FROM busybox-test:latest
COPY --from=slow /etc/hostname /a
COPY --from=broken /etc/hostname /b

"@ }
        $err = $null
        $clock = [Diagnostics.Stopwatch]::StartNew()
        $null = Build-ContainerImage $ctx -Tag build-parallel-fail:1 -NoCache -ErrorVariable err -ErrorAction SilentlyContinue
        $clock.Stop()
        $err | Should -Not -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -BeLike 'BuildStepFailed*'
        $err[0].Exception.Message | Should -BeLike 'Dockerfile:4:*exit 3*non-zero code: 3'
        # the sleeping stage was stopped, not waited for
        $clock.Elapsed.TotalSeconds | Should -BeLessThan 240
        { Get-ContainerImage build-parallel-fail:1 -ErrorAction Stop } | Should -Throw
        Test-NoBuildLeftovers
    }

    It 'reuses the build cache, and misses from the COPY whose file changed' {
        $ctx = New-Context 'cache' @{
            'a.txt'      = 'one'
            'Dockerfile' = "FROM busybox-test:latest`nRUN echo first > /first`nCOPY a.txt /a.txt`nRUN cat /a.txt > /copy-of-a`nCMD [`"cat`", `"/copy-of-a`"]`n"
        }
        $first = Build-ContainerImage $ctx -Tag build-cache:1
        $v = Build-ContainerImage $ctx -Tag build-cache:2 -Verbose 4>&1
        $second = $v | Where-Object { $_ -is [PsContainers.Core.Images.ContainerImage] }
        $msgs = $v | Where-Object { $_ -is [Management.Automation.VerboseRecord] } | ForEach-Object Message
        $second.Id | Should -Be $first.Id
        @($msgs | Where-Object { $_ -like '*Dockerfile:*: CACHED*' }).Count | Should -Be 4
        @($msgs | Where-Object { $_ -like '*: DONE*' -and $_ -notlike '*FROM*' }).Count | Should -Be 0

        [IO.File]::WriteAllText((Join-Path $ctx 'a.txt'), 'two')
        $v3 = Build-ContainerImage $ctx -Tag build-cache:3 -Verbose 4>&1
        $third = $v3 | Where-Object { $_ -is [PsContainers.Core.Images.ContainerImage] }
        $m3 = $v3 | Where-Object { $_ -is [Management.Automation.VerboseRecord] } | ForEach-Object Message
        $third.Id | Should -Not -Be $first.Id
        $m3 | Should -Contain ($m3 | Where-Object { $_ -like '*Dockerfile:2 RUN echo first > /first: CACHED*' })
        @($m3 | Where-Object { $_ -like '*Dockerfile:2 *CACHED*' }).Count | Should -Be 1
        @($m3 | Where-Object { $_ -like '*Dockerfile:3 *DONE*' }).Count | Should -Be 1
        @($m3 | Where-Object { $_ -like '*Dockerfile:4 *DONE*' }).Count | Should -Be 1
        Invoke-ContainerImage build-cache:3 -Remove | Should -Be 'two'
        Invoke-ContainerImage build-cache:1 -Remove | Should -Be 'one'

        # -NoCache runs every step again
        $v4 = Build-ContainerImage $ctx -Tag build-cache:4 -NoCache -Verbose 4>&1
        @($v4 | Where-Object { $_ -is [Management.Automation.VerboseRecord] -and $_.Message -like '*CACHED*' }).Count | Should -Be 0
        Test-NoBuildLeftovers

        # Clear-ContainerSystem removes the nameless intermediate images and forgets their entries; -BuildCache forgets all
        $cacheDir = "$script:Root/storage/build-cache"
        $before = @(Get-ChildItem $cacheDir -Filter *.json)
        $before.Count | Should -BeGreaterThan 4
        $null = Clear-ContainerSystem -Force
        $kept = @(Get-ChildItem $cacheDir -Filter *.json)
        $kept.Count | Should -BeLessThan $before.Count
        $kept.Count | Should -BeGreaterThan 0   # the tagged final images stay, and so do their entries
        foreach ($f in $kept) { Get-ContainerImage (Get-Content -Raw $f.FullName | ConvertFrom-Json).imageId | Should -Not -BeNullOrEmpty }
        $null = Clear-ContainerSystem -BuildCache -Force
        @(Get-ChildItem $cacheDir -Filter *.json).Count | Should -Be 0
        $v5 = Build-ContainerImage $ctx -Tag build-cache:5 -Verbose 4>&1
        @($v5 | Where-Object { $_ -is [Management.Automation.VerboseRecord] -and $_.Message -like '*CACHED*' }).Count | Should -Be 0
    }

    It 'stopped (Ctrl+C) during a RUN leaves no container, no mount and no tag' {
        $ctx = New-Context 'stop' @{ 'Dockerfile' = "FROM busybox-test:latest`nRUN echo started && sleep 60`n" }
        $ps = [powershell]::Create()
        $null = $ps.AddScript("Import-Module '$((Get-Module PsContainers).Path)'; `$env:PSCONTAINERS_ROOT = '$env:PSCONTAINERS_ROOT'; Build-ContainerImage '$ctx' -Tag build-stop:1")
        $async = $ps.BeginInvoke()
        # wait until the RUN step's container runs
        $running = Wait-ContainerCondition { @(Get-Container | Where-Object { $_.Labels.ContainsKey('io.pscontainers.build.step') -and $_.Status -eq 'Running' }).Count -eq 1 } -TimeoutSeconds 30
        $running | Should -BeTrue
        $ps.Stop()
        $ps.InvocationStateInfo.State | Should -Be 'Stopped'
        $ps.Dispose()
        { Get-ContainerImage build-stop:1 -ErrorAction Stop } | Should -Throw
        Test-NoBuildLeftovers
        @(Get-ChildItem "$script:Root/tmp" -ErrorAction SilentlyContinue | Where-Object Name -Match '^(build|scratch)-').Count | Should -Be 0
    }

    It 'gives the same files, modes, owners and config as podman build (buildah)' -Skip:(-not (Test-Path /usr/bin/podman)) {
        $name = "psc-build-interop-$([guid]::NewGuid().ToString('N').Substring(0, 8))"
        $null = Add-ContainerImageTag busybox-test:latest "$($name)-base:1"
        $archive = Join-Path $script:Work "$name.tar"
        Export-ContainerImage "$($name)-base:1" -Path $archive
        $ctx = New-Context $name @{
            'f.txt'      = "file`n"
            'd/x'        = "x`n"
            'd/sub/y'    = "y`n"
            'Dockerfile' = @"
FROM docker.io/library/$($name)-base:1
ARG V=1
ENV A=b
WORKDIR /app
COPY --chown=nobody:nogroup --chmod=0640 f.txt ./
COPY d/ /data/
RUN mkdir -p /made && echo "`$V" > /made/v && chmod 0700 /made
LABEL k=v
EXPOSE 8080
USER nobody
CMD ["sh"]
"@
        }
        & chmod 0751 (Join-Path $ctx 'd/sub')
        try {
            & podman load -q -i $archive 2>&1 | Out-Null
            $LASTEXITCODE | Should -Be 0
            & podman build -q --format docker --network none --pull=never -t "localhost/$($name):1" $ctx 2>&1 | Out-Null
            $LASTEXITCODE | Should -Be 0
            $null = Build-ContainerImage $ctx -Tag "$($name):1"
            $paths = '/app', '/app/f.txt', '/data', '/data/x', '/data/sub', '/data/sub/y', '/made', '/made/v'
            $ours = Invoke-ContainerImage "$($name):1" -Remove -User 0 -Entrypoint /bin/busybox -- stat -c '%n %a %u:%g %F %s' @paths
            $theirs = & podman run --rm --network none --user 0 --entrypoint /bin/busybox "localhost/$($name):1" stat -c '%n %a %u:%g %F %s' @paths
            # buildah departs from BuildKit on /app: it creates WORKDIR only when a step needs it, and here the first
            # user is the COPY --chown, which makes it nobody's; BuildKit (and this builder) make WORKDIR in its own
            # step, as the USER of that moment (root)
            $ours[0] | Should -Be '/app 755 0:0 directory 4096'
            $theirs[0] | Should -Be '/app 755 65534:65534 directory 4096'
            $ours[1..($ours.Count - 1)] | Should -Be $theirs[1..($theirs.Count - 1)]
            $ours.Count | Should -Be $paths.Count
            $denied = Invoke-ContainerImage "$($name):1" -Remove -Entrypoint /bin/busybox -ErrorVariable deniedErr -ErrorAction SilentlyContinue -- cat /made/v
            $denied | Should -BeNullOrEmpty   # 0700 root: nobody cannot read
            "$deniedErr" | Should -BeLike '*Permission denied*'
            Invoke-ContainerImage "$($name):1" -Remove -User 0 -Entrypoint /bin/busybox -- cat /made/v | Should -Be (& podman run --rm --network none --user 0 --entrypoint /bin/busybox "localhost/$($name):1" cat /made/v)

            $pc = (& podman image inspect "localhost/$($name):1" | ConvertFrom-Json)[0].Config
            $oc = (Get-RawImageConfig "$($name):1").config
            $oc.Env | Should -Be @($pc.Env)
            $oc.WorkingDir | Should -Be $pc.WorkingDir
            $oc.User | Should -Be $pc.User
            $oc.Cmd | Should -Be @($pc.Cmd)
            $oc.Labels['k'] | Should -Be $pc.Labels.k
            @($oc.ExposedPorts.Keys) | Should -Be @($pc.ExposedPorts.PSObject.Properties.Name)

            # our image loads in podman and runs the same: its layers, kept as their directories since the build,
            # are written as tars for the archive, and podman checks them against the config's diff_ids
            $ourArchive = Join-Path $script:Work "$name-ours.tar"
            Export-ContainerImage "$($name):1" -Path $ourArchive
            & podman load -q -i $ourArchive 2>&1 | Out-Null
            $LASTEXITCODE | Should -Be 0
            & podman run --rm --network none --user 0 --entrypoint /bin/busybox "docker.io/library/$($name):1" stat -c '%n %a %u:%g %F %s' @paths | Should -Be $ours
            (& podman image inspect "docker.io/library/$($name):1" | ConvertFrom-Json)[0].RootFS.Layers | Should -Be (Get-ContainerImage "$($name):1").DiffIds
        }
        finally {
            & podman rmi -f "localhost/$($name):1" "docker.io/library/$($name)-base:1" "docker.io/library/$($name):1" 2>&1 | Out-Null
        }
    }

    It 'takes each step''s directory as its new layer (the files and whole-second times its tar gives), and leaves no working directory behind' {
        $src = Join-Path $script:Work 'taken-src'
        $null = New-Item -ItemType Directory -Force "$src/etc"
        [IO.File]::WriteAllText("$src/etc/motd", "hello`n")
        & touch -d '2001-02-03 04:05:06.789' "$src/etc/motd"
        $ctx = New-Context 'taken' @{ 'Dockerfile' = "FROM scratch AS files`nADD files.tar /`n`nFROM busybox-test:latest`nCOPY --from=files /etc/motd /srv/motd`nRUN echo ran > /srv/ran && rm /bin/true`n" }
        & tar --numeric-owner -C $src -cf (Join-Path $ctx 'files.tar') .
        $layers = foreach ($n in 1, 2) {
            $img = Build-ContainerImage $ctx -Tag "build-taken:$n" -NoCache
            @(Get-ChildItem "$script:Root/tmp" -ErrorAction SilentlyContinue | Where-Object Name -Match '^(build|scratch)-').Count | Should -Be 0
            Test-NoBuildLeftovers
            , $img.DiffIds
        }
        # the second time the FROM scratch ADD layer was in the store already: its directory was deleted, not taken
        $base = Get-ContainerImage busybox-test:latest
        $layers[0].Count | Should -Be ($base.DiffIds.Count + 2)
        $layers[1].Count | Should -Be ($base.DiffIds.Count + 2)
        # what the image runs with: the copied file keeps its tar's whole-second time, the RUN's file has a whole-second
        # time too (the layer's tar holds whole seconds), the RUN's deletion is a whiteout
        $out = Invoke-ContainerImage build-taken:2 -Remove -Entrypoint /bin/busybox -- sh -c 'cat /srv/motd /srv/ran; stat -c %y /srv/motd /srv/ran; test -e /bin/true || echo gone'
        $out[0] | Should -Be 'hello'
        $out[1] | Should -Be 'ran'
        $out[2] | Should -Match '^2001-02-03 04:05:06\.000000000'
        $out[3] | Should -Match '\.000000000'
        $out[4] | Should -Be 'gone'
    }

    It 'runs RUN with no network by default' {
        $ctx = New-Context 'net' @{ 'Dockerfile' = "FROM busybox-test:latest`nRUN ls /sys/class/net | sort > /nets`nCMD [`"cat`", `"/nets`"]`n" }
        $null = Build-ContainerImage $ctx -Tag build-net:1
        Invoke-ContainerImage build-net:1 -Remove -Network none | Should -Be 'lo'
    }

    It 'lists the steps with -WhatIf without building' {
        $ctx = New-Context 'whatif' @{ 'Dockerfile' = "FROM busybox-test:latest`nRUN touch /x`n" }
        Build-ContainerImage $ctx -Tag build-whatif:1 -WhatIf
        { Get-ContainerImage build-whatif:1 -ErrorAction Stop } | Should -Throw
    }
}

Describe 'Build-ContainerImage: volumes, platforms, step errors, formats' {
    It 'keeps an image VOLUME as a rootfs directory during the build: RUN writes persist, no volume is made per step' {
        $ctx = New-Context 'volume' @{ 'Dockerfile' = "FROM busybox-test:latest`nVOLUME /data`nRUN echo kept > /data/x`nRUN cat /data/x > /copy && echo more >> /data/x`nCMD [`"cat`", `"/copy`", `"/data/x`"]`n" }
        $before = @(Get-ContainerVolume).Count
        $null = Build-ContainerImage $ctx -Tag build-volume:1 -NoCache
        @(Get-ContainerVolume).Count | Should -Be $before
        # the layer has the file (the run's anonymous volume is filled from it)
        Invoke-ContainerImage build-volume:1 -Remove | Should -Be @('kept', 'kept', 'more')
        Test-NoBuildLeftovers
    }

    It 'refuses a bogus -Platform and a RUN for a platform this host cannot execute, naming the line' {
        $ctx = New-Context 'platform' @{ 'Dockerfile' = "FROM busybox-test:latest`nRUN echo hi`n" }
        $err = $null
        $null = Build-ContainerImage $ctx -Platform bogus -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'InvalidPlatform,*'
        $err[0].Exception.Message | Should -BeLike "*unknown architecture 'bogus'*"
        $null = Build-ContainerImage $ctx -Platform 'linux/amd64/v1/x' -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'InvalidPlatform,*'
        $null = Build-ContainerImage $ctx -Platform 'plan10/amd64' -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].Exception.Message | Should -BeLike "*unknown operating system 'plan10'*"

        # the local busybox-test is amd64: with -Pull Never an arm64 build cannot use it
        $null = Build-ContainerImage $ctx -Platform linux/arm64 -Pull Never -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'ImageNotFound,*'
        $err[0].Exception.Message | Should -BeLike 'Dockerfile:1: *linux/amd64, not linux/arm64*'

        # a stage for another platform may be built without RUN (cross-compilation stages), but a RUN there is refused
        $cross = New-Context 'platform-cross' @{ 'Dockerfile' = "FROM --platform=linux/s390x scratch AS other`nCOPY Dockerfile /`nRUN echo never`n" }
        $null = Build-ContainerImage $cross -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'BuildPlatformNotSupported,*'
        $err[0].Exception.Message | Should -BeLike 'Dockerfile:3: RUN for the platform linux/s390x cannot execute*'
        $ok = New-Context 'platform-cross-ok' @{ 'Dockerfile' = "FROM --platform=linux/s390x scratch AS other`nCOPY Dockerfile /`n" }
        (Build-ContainerImage $ok -Tag build-cross:1).RepoTags | Should -Contain 'build-cross:1'
        $null = Build-ContainerImage (New-Context 'platform-bad-from' @{ 'Dockerfile' = "FROM --platform=linux/nope busybox-test:latest`n" }) -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'InvalidPlatform,*'
        $err[0].Exception.Message | Should -BeLike 'Dockerfile:1: *'
        Test-NoBuildLeftovers
    }

    It 'names the Dockerfile line in the errors of a missing FROM image and a COPY --from typo' {
        # nothing listens on port 1: the registry error comes at once
        $from = New-Context 'err-from' @{ 'Dockerfile' = "# base`nFROM 127.0.0.1:1/missing/base:1`nRUN true`n" }
        $err = $null
        $null = Build-ContainerImage $from -ErrorVariable err -ErrorAction SilentlyContinue
        $err | Should -Not -BeNullOrEmpty
        $err[0].Exception.Message | Should -BeLike 'Dockerfile:2: *'
        $copy = New-Context 'err-copy' @{ 'Dockerfile' = "FROM busybox-test:latest AS builder`nFROM busybox-test:latest`nCOPY --from=127.0.0.1:1/buildr /etc/passwd /x`n" }
        $null = Build-ContainerImage $copy -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].Exception.Message | Should -BeLike 'Dockerfile:3: *'
        Test-NoBuildLeftovers
    }

    It 'reports an invalid base reference as InvalidReferenceFormat naming the rule, not as a missing image' {
        $ctx = New-Context 'err-ref' @{ 'Dockerfile' = "FROM BusyBox-Test:latest`n" }
        $err = $null
        $null = Build-ContainerImage $ctx -Pull Never -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'InvalidReferenceFormat,*'
        $err[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        $err[0].Exception.Message | Should -BeLike 'Dockerfile:1: *must be lowercase*'
    }

    It 'writes the base layers in the media types of the output format, the blobs unchanged' {
        $ctx = New-Context 'formats' @{ 'Dockerfile' = "FROM busybox-test:latest`nRUN echo x > /x`n" }
        function Get-Manifest($img) {
            $f = Get-ChildItem -Recurse -File "$script:Root/storage" | Where-Object Name -eq $img.Digest.Substring(7) | Select-Object -First 1
            Get-Content -Raw $f.FullName | ConvertFrom-Json
        }
        # busybox-test is OCI: a Docker build converts its layers to Docker types
        $d = Get-Manifest (Build-ContainerImage $ctx -Tag build-format:docker -Format Docker)
        $d.mediaType | Should -Be 'application/vnd.docker.distribution.manifest.v2+json'
        $d.config.mediaType | Should -Be 'application/vnd.docker.container.image.v1+json'
        @($d.layers).Count | Should -BeGreaterThan 1
        foreach ($l in $d.layers) { $l.mediaType | Should -BeLike 'application/vnd.docker.image.rootfs.diff.tar*' }
        # and an OCI build on that Docker image converts them back
        $on = New-Context 'formats-oci' @{ 'Dockerfile' = "FROM build-format:docker`nRUN echo y > /y`n" }
        $o = Get-Manifest (Build-ContainerImage $on -Tag build-format:oci -Format Oci)
        $o.mediaType | Should -Be 'application/vnd.oci.image.manifest.v1+json'
        $o.config.mediaType | Should -Be 'application/vnd.oci.image.config.v1+json'
        foreach ($l in $o.layers) { $l.mediaType | Should -BeLike 'application/vnd.oci.image.layer.v1.tar*' }
        # the same blobs
        @($o.layers.digest)[0..(@($d.layers).Count - 1)] | Should -Be @($d.layers.digest)
        Invoke-ContainerImage build-format:oci -Remove cat /x /y | Should -Be @('x', 'y')
    }

    It 'keeps the layers it writes plain (<Format>), and compresses them with -Compression <Compression>' -ForEach @(
        @{ Format = 'Oci'; Compression = 'None'; MediaType = 'application/vnd.oci.image.layer.v1.tar'; Magic = '' }
        @{ Format = 'Docker'; Compression = 'None'; MediaType = 'application/vnd.docker.image.rootfs.diff.tar'; Magic = '' }
        @{ Format = 'Oci'; Compression = 'Gzip'; MediaType = 'application/vnd.oci.image.layer.v1.tar+gzip'; Magic = '1F8B' }
        @{ Format = 'Docker'; Compression = 'Gzip'; MediaType = 'application/vnd.docker.image.rootfs.diff.tar.gzip'; Magic = '1F8B' }
        @{ Format = 'Oci'; Compression = 'Zstd'; MediaType = 'application/vnd.oci.image.layer.v1.tar+zstd'; Magic = '28B52FFD' }
    ) {
        $ctx = New-Context "compress-$Format-$Compression" @{ 'Dockerfile' = "FROM busybox-test:latest`nRUN echo $Compression > /c`nCOPY Dockerfile /df`n" }
        $params = @{ Tag = "build-compress:$Format-$Compression".ToLowerInvariant(); Format = $Format }
        if ($Compression -ne 'None') { $params.Compression = $Compression }   # None is the default
        $img = Build-ContainerImage $ctx @params
        $store = [PsContainers.Core.Images.ImageStore]::new([PsContainers.Core.PscPaths]::new($script:Root))
        $m = [PsContainers.Core.Oci.ImageManifest]::Parse($store.GetManifest($img))
        $base = Get-ContainerImage busybox-test:latest
        $new = @($m.Layers)[$base.Layers.Count..(@($m.Layers).Count - 1)]
        $new.Count | Should -Be 2
        for ($i = 0; $i -lt 2; $i++) {
            $l = $new[$i]
            $l.MediaType | Should -Be $MediaType
            $head = [byte[]]::new(4)
            $f = [IO.File]::OpenRead($store.GetBlobPath($l.Digest))
            try { $null = $f.Read($head, 0, 4) } finally { $f.Dispose() }
            if ($Magic) {
                [Convert]::ToHexString($head).StartsWith($Magic) | Should -BeTrue
                $l.Digest | Should -Not -Be $img.DiffIds[$base.Layers.Count + $i]
            }
            else {
                # a plain tar: its blob digest is its diff_id, the bytes are the tar's
                $l.Digest | Should -Be $img.DiffIds[$base.Layers.Count + $i]
                [PsContainers.Core.Util.Digest]::OfFile($store.GetBlobPath($l.Digest)) | Should -Be $img.DiffIds[$base.Layers.Count + $i]
            }
        }
        Invoke-ContainerImage $img.Id -Remove cat /c | Should -Be $Compression
        # the same build again comes from the cache only for the same compression
        (Build-ContainerImage $ctx @params).Id | Should -Be $img.Id
        if ($Compression -ne 'None') {
            $plain = Build-ContainerImage $ctx -Format $Format
            # the COPY step's tar is the same (the file keeps its time; the RUN step's file has the time it ran): only its blob differs
            $plain.DiffIds.Count | Should -Be $img.DiffIds.Count
            $plain.DiffIds[-1] | Should -Be $img.DiffIds[-1]
            $plain.Layers[-1] | Should -Be $plain.DiffIds[-1]
            $plain.Layers[-1] | Should -Not -Be $img.Layers[-1]
        }
        Test-NoBuildLeftovers
    }

    It 'prints each RUN output line once with -Verbose and -InformationAction Continue' {
        $ctx = New-Context 'once' @{ 'Dockerfile' = "FROM busybox-test:latest`nRUN echo printed-once-marker`n" }
        $all = Build-ContainerImage $ctx -NoCache -Verbose -InformationAction Continue *>&1
        @($all | Where-Object { "$_" -match '^printed-once-marker$' }).Count | Should -Be 1
        # without the information shown, -Verbose still shows it
        $v = Build-ContainerImage $ctx -NoCache -Verbose 4>&1
        @($v | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] -and $_.Message -eq 'printed-once-marker' }).Count | Should -Be 1
    }
}

Describe 'Build-ContainerImage: RUN --mount' {
    It 'mounts a persistent cache directory per id (uid, gid, mode), kept out of the layer and the cache key' {
        $ctx = New-Context 'mount-cache' @{ 'Dockerfile' = @'
FROM busybox-test:latest
RUN --mount=type=cache,target=/cache,id=pester-cache,uid=1000,gid=1001,mode=0770 n=$(cat /cache/count 2>/dev/null || echo 0); echo $((n+1)) > /cache/count; cp /cache/count /seen; stat -c '%u:%g %a' /cache > /cache-owner
CMD ["cat", "/seen", "/cache-owner"]
'@ }
        $null = Build-ContainerImage $ctx -Tag build-mcache:1
        Invoke-ContainerImage build-mcache:1 -Remove | Should -Be @('1', '1000:1001 770')
        # the cache directory outlives the build; its content is not in the layer
        $null = Build-ContainerImage $ctx -Tag build-mcache:2 -NoCache
        Invoke-ContainerImage build-mcache:2 -Remove | Should -Be @('2', '1000:1001 770')
        Invoke-ContainerImage build-mcache:2 -Remove sh -c 'ls -A /cache 2>/dev/null | wc -l' | Should -Be '0'
        # without -NoCache the step is a cache hit: the cache content takes no part in the key
        (Build-ContainerImage $ctx -Tag build-mcache:3).Id | Should -Be (Get-ContainerImage build-mcache:2).Id
        Test-NoBuildLeftovers
    }

    It 'bind-mounts the context or a stage read-only, its content in the cache key' {
        $ctx = New-Context 'mount-bind' @{
            'data/hello.txt' = "hello-bind`n"
            'Dockerfile'     = @'
FROM busybox-test:latest AS tools
RUN mkdir -p /opt/tool && echo from-stage > /opt/tool/t.txt
FROM busybox-test:latest
RUN --mount=type=bind,source=data,target=/in cat /in/hello.txt > /bound; (touch /in/x 2>/dev/null && echo writable || echo readonly) > /bind-mode
RUN --mount=type=bind,from=tools,source=/opt/tool,target=/t --mount=type=bind,source=data/hello.txt,target=/one.txt cp /t/t.txt /from-stage; cat /one.txt >> /from-stage
CMD ["cat", "/bound", "/bind-mode", "/from-stage"]
'@
        }
        $null = Build-ContainerImage $ctx -Tag build-mbind:1 -ErrorAction Stop
        Invoke-ContainerImage build-mbind:1 -Remove | Should -Be @('hello-bind', 'readonly', 'from-stage', 'hello-bind')
        Invoke-ContainerImage build-mbind:1 -Remove sh -c 'ls -A /in /t 2>/dev/null | grep -v : | grep -c . || true' | Should -Be '0'
        # a changed bound file misses the cache from that RUN on
        Set-Content (Join-Path $ctx 'data/hello.txt') 'changed'
        $null = Build-ContainerImage $ctx -Tag build-mbind:2 -ErrorAction Stop
        Invoke-ContainerImage build-mbind:2 -Remove | Should -Be @('changed', 'readonly', 'from-stage', 'changed')
        Test-NoBuildLeftovers
    }

    It 'refuses other mount types and malformed mounts, naming the line' {
        $err = $null
        $null = Build-ContainerImage (New-Context 'mount-secret' @{ 'Dockerfile' = "FROM busybox-test:latest`nRUN --mount=type=secret,id=token cat /run/secrets/token`n" }) -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'BuildInstructionNotSupported,*'
        $err[0].Exception.Message | Should -BeLike 'Dockerfile:2: RUN --mount=type=secret is not supported*'
        $null = Build-ContainerImage (New-Context 'mount-bad' @{ 'Dockerfile' = "FROM busybox-test:latest`nRUN --mount=type=cache,mode=abc,target=/c true`n" }) -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'BuildMountInvalid,*'
        $err[0].Exception.Message | Should -BeLike "Dockerfile:2: invalid RUN --mount*'mode=abc' is not an octal mode*"
        $null = Build-ContainerImage (New-Context 'mount-missing' @{ 'Dockerfile' = "FROM busybox-test:latest`nRUN --mount=type=bind,source=nope,target=/n true`n" }) -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'BuildSourceNotFound,*'
        $err[0].Exception.Message | Should -BeLike 'Dockerfile:2: *'
        Test-NoBuildLeftovers
    }

    It 'COPY/ADD --chown own the directories they create; file capabilities and hard links survive COPY and COPY --from' {
        $ctx = New-Context 'copy-meta' @{
            'o.txt'     = "o`n"
            'h/a'       = "same`n"
            'pkg/in/x'  = "x`n"
            'Dockerfile' = @'
FROM busybox-test:latest AS stage
COPY bb /caps/busybox
COPY h /h/
FROM busybox-test:latest
COPY --chown=1000:1000 o.txt /x/c1/
ADD --chown=1000:1000 pkg.tar /t/a/
COPY o.txt /plain/new/
COPY --from=stage /caps/busybox /usr/local/bin/busybox
COPY --from=stage /h /h2/
USER 1000
CMD ["/usr/local/bin/busybox", "grep", "CapPrm", "/proc/self/status"]
'@
        }
        Copy-Item /bin/busybox (Join-Path $ctx 'bb')
        & setcap cap_net_bind_service=ep (Join-Path $ctx 'bb')
        $LASTEXITCODE | Should -Be 0
        $null = New-Item -ItemType Directory (Join-Path $ctx 'h/sub')
        & ln (Join-Path $ctx 'h/a') (Join-Path $ctx 'h/sub/b')
        & tar -cf (Join-Path $ctx 'pkg.tar') -C (Join-Path $ctx 'pkg') in
        $null = Build-ContainerImage $ctx -Tag build-meta:1 -ErrorAction Stop
        # BuildKit chowns every directory the copy creates (fsutil copy.MkdirAll); without --chown they are root's
        Invoke-ContainerImage build-meta:1 -Remove -User 0 -Entrypoint /bin/busybox -- stat -c '%n %u:%g' /x /x/c1 /x/c1/o.txt /t /t/a /t/a/in /plain/new |
            Should -Be @('/x 1000:1000', '/x/c1 1000:1000', '/x/c1/o.txt 1000:1000', '/t 1000:1000', '/t/a 1000:1000', '/t/a/in 0:0', '/plain/new 0:0')
        # the capability set on the context file survived COPY into the stage and COPY --from into the final image:
        # user 1000 gets cap_net_bind_service (bit 10) from the file
        Invoke-ContainerImage build-meta:1 -Remove | Should -Be "CapPrm:`t0000000000000400"
        # two names of one inode stay one inode
        $st = Invoke-ContainerImage build-meta:1 -Remove -Entrypoint /bin/busybox -- stat -c '%i %h' /h2/a /h2/sub/b
        $st[0] | Should -Be $st[1]
        $st[0] | Should -BeLike '* 2'
        Test-NoBuildLeftovers
    }

    It 'RUN --mount: a relative target is under WORKDIR, a bind source may link to a file, / and missing sources are refused by name' {
        $ctx = New-Context 'mount-rel' @{
            'conf/real.txt' = "real`n"
            'Dockerfile'    = @'
FROM busybox-test:latest
WORKDIR /w
RUN --mount=type=bind,source=link.txt,target=in.txt --mount=type=cache,target=cache,id=pester-rel cat /w/in.txt > /seen; test -d /w/cache && echo cache-under-workdir >> /seen
CMD ["cat", "/seen"]
'@
        }
        $null = New-Item -ItemType SymbolicLink -Path (Join-Path $ctx 'link.txt') -Target 'conf/real.txt'
        $null = New-Item -ItemType SymbolicLink -Path (Join-Path $ctx 'dangling') -Target '/etc/hostname'
        $null = Build-ContainerImage $ctx -Tag build-mrel:1 -ErrorAction Stop
        Invoke-ContainerImage build-mrel:1 -Remove | Should -Be @('real', 'cache-under-workdir')
        $err = $null
        $null = Build-ContainerImage (New-Context 'mount-root' @{ 'Dockerfile' = "FROM busybox-test:latest`nRUN --mount=type=cache,target=/ true`n" }) -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'BuildMountInvalid,*'
        $err[0].Exception.Message | Should -BeLike 'Dockerfile:2: invalid RUN --mount*invalid mount target "/"*'
        # a link out of the context is resolved inside it: not found, named as written
        Set-Content (Join-Path $ctx 'Dockerfile') "FROM busybox-test:latest`nRUN --mount=type=bind,source=dangling,target=/n true`n"
        $null = Build-ContainerImage $ctx -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'BuildSourceNotFound,*'
        $err[0].Exception.Message | Should -Be "Dockerfile:2: the RUN --mount source 'dangling' does not exist in the build context."
        Test-NoBuildLeftovers
    }

    It 'Clear-ContainerSystem -BuildCache also removes the RUN --mount=type=cache directories' {
        $ctx = New-Context 'mount-prune' @{ 'Dockerfile' = @'
FROM busybox-test:latest
RUN --mount=type=cache,target=/cache,id=pester-prune n=$(cat /cache/count 2>/dev/null || echo 0); echo $((n+1)) > /cache/count; cp /cache/count /seen
CMD ["cat", "/seen"]
'@ }
        $null = Build-ContainerImage $ctx -Tag build-mprune:1 -ErrorAction Stop
        $null = Build-ContainerImage $ctx -Tag build-mprune:2 -NoCache -ErrorAction Stop
        Invoke-ContainerImage build-mprune:2 -Remove | Should -Be '2'
        $mounts = Join-Path $script:Root 'storage/build-cache/mounts'
        @(Get-ChildItem -Directory $mounts).Count | Should -BeGreaterThan 0
        $null = Clear-ContainerSystem -BuildCache -Force
        @(Get-ChildItem -Directory $mounts).Count | Should -Be 0
        $null = Build-ContainerImage $ctx -Tag build-mprune:3 -NoCache -ErrorAction Stop
        Invoke-ContainerImage build-mprune:3 -Remove | Should -Be '1'
    }

    It 'uses SOURCE_DATE_EPOCH for the config and new history times, as BuildKit 0.11+ does' {
        $ctx = New-Context 'sde' @{ 'Dockerfile' = "FROM busybox-test:latest`nRUN echo x > /f`nLABEL a=b`n" }
        $warn = $null
        $img = Build-ContainerImage $ctx -Tag build-sde:1 -BuildArgument @{ SOURCE_DATE_EPOCH = '1700000000' } -WarningVariable warn -ErrorAction Stop
        @($warn | Where-Object { "$_" -like '*SOURCE_DATE_EPOCH*' }).Count | Should -Be 0   # consumed by the builder, not an unused ARG
        $raw = Get-RawImageConfig build-sde:1
        ([DateTimeOffset]$raw.created).ToUnixTimeSeconds() | Should -Be 1700000000
        $base = Get-RawImageConfig busybox-test:latest
        $added = @($raw.history)[@($base.history).Count..(@($raw.history).Count - 1)]
        $added.Count | Should -Be 2
        $added | ForEach-Object { ([DateTimeOffset]$_.created).ToUnixTimeSeconds() | Should -Be 1700000000 }
        ([DateTimeOffset]@($raw.history)[0].created).ToUnixTimeSeconds() | Should -Be ([DateTimeOffset]@($base.history)[0].created).ToUnixTimeSeconds()
        $added[0].created_by | Should -Not -BeLike '*SOURCE_DATE_EPOCH*'
        # another epoch is another image (the times are part of the step's key); the same epoch hits the cache
        (Build-ContainerImage $ctx -BuildArgument @{ SOURCE_DATE_EPOCH = '1700000001' }).Id | Should -Not -Be $img.Id
        (Build-ContainerImage $ctx -BuildArgument @{ SOURCE_DATE_EPOCH = '1700000000' }).Id | Should -Be $img.Id
        $err = $null
        $null = Build-ContainerImage $ctx -BuildArgument @{ SOURCE_DATE_EPOCH = 'yesterday' } -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'InvalidSourceDateEpoch,*'
    }
}


Describe 'Build-ContainerImage: remembered digests, ADD of a URL, a touched directory' {
    It 'remembers context file hashes and COPY --from digests, and still misses when a file changes with its size and mtime kept' {
        $ctx = New-Context 'hashes' @{
            'f.txt'      = 'one'
            'Dockerfile' = "FROM busybox-test:latest AS a`nCOPY f.txt /data/f.txt`n`nFROM busybox-test:latest`nCOPY --from=a /data /d`nCMD [`"cat`", `"/d/f.txt`"]`n"
        }
        # a hash is only remembered for a file whose last change is 2 s old (a change in the same clock tick would not show)
        Start-Sleep -Seconds 3
        $cacheDir = "$script:Root/storage/build-cache"
        $first = Build-ContainerImage $ctx -Tag build-hashes:1
        $hashes = Get-Item "$cacheDir/content-hashes"
        # 8-byte magic, then 80 bytes per file: at least f.txt is remembered
        ($hashes.Length - 8) % 80 | Should -Be 0
        $hashes.Length | Should -BeGreaterThan 8
        @(Get-ChildItem "$cacheDir/digests" -File).Count | Should -BeGreaterThan 0

        # unchanged: every step from the cache, the same image
        $v = Build-ContainerImage $ctx -Tag build-hashes:2 -Verbose 4>&1
        ($v | Where-Object { $_ -is [PsContainers.Core.Images.ContainerImage] }).Id | Should -Be $first.Id
        @($v | Where-Object { $_ -is [Management.Automation.VerboseRecord] -and $_.Message -like '*Dockerfile:*: DONE*' -and $_.Message -notlike '*FROM*' }).Count | Should -Be 0

        # the same size and modification time (to the nanosecond), another content: the change time tells
        $f = Join-Path $ctx 'f.txt'
        & touch -r $f "$f.ref"
        [IO.File]::WriteAllText($f, 'two')
        & touch -r "$f.ref" $f
        Remove-Item "$f.ref"
        $v3 = Build-ContainerImage $ctx -Tag build-hashes:3 -Verbose 4>&1
        $m3 = $v3 | Where-Object { $_ -is [Management.Automation.VerboseRecord] } | ForEach-Object Message
        @($m3 | Where-Object { $_ -like '*Dockerfile:2 *DONE*' }).Count | Should -Be 1
        @($m3 | Where-Object { $_ -like '*Dockerfile:5 *DONE*' }).Count | Should -Be 1
        Invoke-ContainerImage build-hashes:3 -Remove | Should -Be 'two'
        Invoke-ContainerImage build-hashes:1 -Remove | Should -Be 'one'

        # forgetting the whole build cache forgets the remembered digests too
        $null = Clear-ContainerSystem -BuildCache -Force
        Test-Path "$cacheDir/content-hashes" | Should -BeFalse
        Test-Path "$cacheDir/digests" | Should -BeFalse
        Test-NoBuildLeftovers
    }

    It 'names the file of an ADD of a URL without a file name __unnamed__, as BuildKit does' {
        $site = Join-Path $script:Work 'site'
        $null = New-Item -ItemType Directory -Force $site
        [IO.File]::WriteAllText("$site/file.txt", "served`n")
        $listener = [Net.Sockets.TcpListener]::new([Net.IPAddress]::Loopback, 0)
        $listener.Start(); $port = $listener.LocalEndpoint.Port; $listener.Stop()
        $server = Start-Process python3 -ArgumentList '-m', 'http.server', '--bind', '127.0.0.1', $port, '--directory', $site -PassThru -RedirectStandardError (Join-Path $script:Work 'http.err') -RedirectStandardOutput (Join-Path $script:Work 'http.out')
        try {
            $deadline = [DateTime]::UtcNow.AddSeconds(20)
            while ($true) {
                try { $c = [Net.Sockets.TcpClient]::new('127.0.0.1', $port); $c.Dispose(); break }
                catch { if ([DateTime]::UtcNow -gt $deadline) { throw "the test HTTP server did not start" }; Start-Sleep -Milliseconds 200 }
            }
            $ctx = New-Context 'add-url' @{ 'Dockerfile' = "FROM busybox-test:latest`nADD http://127.0.0.1:$port/ /dl/`nADD http://127.0.0.1:$port/file.txt /dl/`nCMD [`"ls`", `"-1`", `"/dl`"]`n" }
            $null = Build-ContainerImage $ctx -Tag build-add-url:1
            Invoke-ContainerImage build-add-url:1 -Remove | Should -Be @('__unnamed__', 'file.txt')
            # the unnamed one is the server's answer for "/" (its listing names file.txt), mode 0600
            $out = Invoke-ContainerImage build-add-url:1 -Remove -Entrypoint /bin/busybox -- sh -c 'grep -c file.txt /dl/__unnamed__; stat -c %a /dl/__unnamed__; cat /dl/file.txt'
            $out | Should -Be @('1', '600', 'served')
        }
        finally { Stop-Process -Id $server.Id -ErrorAction SilentlyContinue; $server.WaitForExit(5000) | Out-Null }
        Test-NoBuildLeftovers
    }

    It 'gives RUN touch /etc and RUN chmod 700 /srv a layer of just that directory and RUN true none, 20 builds in a row' {
        # busybox-test has no /etc/hosts: the runtime makes its mount points in /etc, so /etc is copied up for every RUN
        $base = Build-ContainerImage (New-Context 'touch-base' @{ 'Dockerfile' = "FROM busybox-test:latest`nRUN mkdir -m 755 /srv`n" }) -Tag build-touch-base:1
        $ctx = New-Context 'touch-dir' @{ 'Dockerfile' = "FROM build-touch-base:1`nRUN true`nRUN touch /etc`nRUN chmod 700 /srv`n" }
        function Get-LayerListing([string] $Digest) {
            # the blob (uncompressed by default; a build step's is kept as its layer directory and written when read,
            # which GetBlobPath does); GNU tar's listing with full UTC times
            $store = [PsContainers.Core.Images.ImageStore]::new([PsContainers.Core.PscPaths]::new($script:Root))
            $blob = $store.GetBlobPath($Digest)
            Test-Path $blob | Should -BeTrue
            $env:TZ = 'UTC'
            try { @(& tar --full-time -tvf $blob) } finally { Remove-Item Env:TZ }
        }
        for ($i = 1; $i -le 20; $i++) {
            $started = [DateTime]::UtcNow.AddSeconds(-1)
            $img = Build-ContainerImage $ctx -Tag build-touch-dir:1 -NoCache
            $ended = [DateTime]::UtcNow.AddSeconds(1)
            # RUN true: an empty_layer history entry; touch and chmod: one layer each
            $img.DiffIds.Count | Should -Be ($base.DiffIds.Count + 2) -Because "build $i"
            @($img.History[-3..-1].EmptyLayer) | Should -Be @($true, $false, $false) -Because "build $i"
            $etc = @(Get-LayerListing $img.Layers[-2])
            $etc.Count | Should -Be 1 -Because "build ${i}: only etc/ ($etc)"
            $etc[0] | Should -Match '^drwxr-xr-x \S+ +0 (\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)(\.\d+)? etc/$' -Because "build $i"
            $mtime = [DateTime]::ParseExact(([regex]::Match($etc[0], '\d{4}-\d\d-\d\d \d\d:\d\d:\d\d')).Value, 'yyyy-MM-dd HH:mm:ss', [Globalization.CultureInfo]::InvariantCulture, 'AssumeUniversal,AdjustToUniversal')
            # the touch's time, not the image's
            $mtime | Should -BeGreaterOrEqual $started.AddTicks(-($started.Ticks % [TimeSpan]::TicksPerSecond)) -Because "build $i"
            $mtime | Should -BeLessOrEqual $ended -Because "build $i"
            $srv = @(Get-LayerListing $img.Layers[-1])
            $srv.Count | Should -Be 1 -Because "build ${i}: only srv/ ($srv)"
            $srv[0] | Should -Match '^drwx------ \S+ .* srv/$' -Because "build $i"
        }
        Test-NoBuildLeftovers
    }

    It 'adds no layer for a RUN that changes nothing' {
        $ctx = New-Context 'run-true' @{ 'Dockerfile' = "FROM busybox-test:latest`nRUN true`n" }
        $base = Get-ContainerImage busybox-test:latest
        $img = Build-ContainerImage $ctx -Tag build-run-true:1
        # the runtime's mount points (/etc/hosts, resolv.conf, hostname) and the directories holding them are no change
        $img.DiffIds | Should -Be $base.DiffIds
        Test-NoBuildLeftovers
    }

    It 'deletes a step directory the store did not take in the background, and Clear-ContainerSystem collects what an interrupted build left' {
        $src = Join-Path $script:Work 'trash-src'
        $null = New-Item -ItemType Directory -Force "$src/usr/lib"
        foreach ($n in 1..200) { [IO.File]::WriteAllText("$src/usr/lib/f$n", "$n") }
        $ctx = New-Context 'trash' @{ 'Dockerfile' = "FROM scratch`nADD files.tar /`n" }
        & tar --numeric-owner -C $src -cf (Join-Path $ctx 'files.tar') .
        $trash = "$script:Root/tmp/trash"
        $first = Build-ContainerImage $ctx -Tag build-trash:1 -NoCache
        # the second time the store holds the layer: the scratch directory goes to the trash, deleted meanwhile
        $second = Build-ContainerImage $ctx -Tag build-trash:2 -NoCache
        $second.DiffIds | Should -Be $first.DiffIds
        @(Get-ChildItem "$script:Root/tmp" -ErrorAction SilentlyContinue | Where-Object Name -Match '^(build|scratch)-').Count | Should -Be 0
        Wait-ContainerCondition { @(Get-ChildItem $trash -Force -ErrorAction SilentlyContinue).Count -eq 0 } -TimeoutSeconds 60 | Should -BeTrue
        # a build killed while its trash was deleted: an entry nobody deletes, with a link that must not be followed
        $left = Join-Path $trash 'interrupted'
        $null = New-Item -ItemType Directory -Force "$left/etc"
        [IO.File]::WriteAllText("$left/etc/x", 'x')
        $outside = Join-Path $script:Work 'trash-outside'
        $null = New-Item -ItemType Directory -Force $outside
        [IO.File]::WriteAllText("$outside/keep", 'kept')
        $null = New-Item -ItemType SymbolicLink -Path "$left/link" -Target $outside
        $null = Clear-ContainerSystem -Force
        Test-Path $left | Should -BeFalse
        Get-Content "$outside/keep" | Should -Be 'kept'
        Test-NoBuildLeftovers
    }

    It 'keeps the images a running build uses and makes from a prune in another process, as BuildKit''s leases do' {
        # the early stage's nameless image waits, unused, while the other stage sleeps: a prune running meanwhile in
        # another process passes over it (the build holds it), so COPY --from finds it
        $ctx = New-Context 'held' @{ 'Dockerfile' = "FROM $script:Img AS early`nRUN echo early > /e`nFROM $script:Img`nRUN sleep 4`nCOPY --from=early /e /e`nCMD [`"cat`", `"/e`"]`n" }
        $stop = Join-Path $script:Work 'held.stop'
        $log = Join-Path $script:Work 'held.log'
        $module = (Get-Module PsContainers).Path
        $started = Join-Path $script:Work 'held.started'
        $loop = "`$env:PSCONTAINERS_ROOT = '$script:Root'; Import-Module '$module'; `$n = 0; while (-not (Test-Path '$stop')) { `$null = Clear-ContainerSystem -Force; `$n++; if (`$n -eq 1) { [IO.File]::WriteAllText('$started', '') } }; 'rounds ' + `$n"
        $prune = Start-Process -FilePath (Join-Path $PSHOME 'pwsh') -PassThru -RedirectStandardOutput $log -RedirectStandardError "$log.err" `
            -ArgumentList '-NoProfile', '-NonInteractive', '-Command', $loop
        try {
            Wait-ContainerCondition { (Test-Path $started) -or $prune.HasExited } -TimeoutSeconds 60 | Should -BeTrue
            $img = Build-ContainerImage $ctx -Tag build-held:1 -NoCache
        }
        finally {
            [IO.File]::WriteAllText($stop, '')
            $prune.WaitForExit(120000) | Should -BeTrue
        }
        Get-Content "$log.err" | Should -BeNullOrEmpty
        [int]((Get-Content $log | Select-Object -Last 1) -replace '^rounds ', '') | Should -BeGreaterThan 1
        Invoke-ContainerImage $img.Id -Remove | Should -Be 'early'
        # given up when the build ended: no image is held any more, so a prune removes the nameless step images
        $store = [PsContainers.Core.Engine]::new([PsContainers.Core.PscPaths]::new($script:Root)).Images
        @($store.HeldImages()).Count | Should -Be 0
        $null = Clear-ContainerSystem -Force
        @(Get-ContainerImage -All | Where-Object Dangling).Count | Should -Be 0
        Test-NoBuildLeftovers
    }
}
