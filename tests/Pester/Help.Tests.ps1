# Help drift: the parameter metadata in docs/help/<Cmdlet>.md (read with the same parser the build uses,
# tools/ConvertTo-Maml.ps1 -AsObject) must match what Get-Command says about the built module's cmdlets:
# parameters, type, position, required, pipeline input, aliases, accepted values, wildcards and parameter sets.
# The code is the truth; a failure lists every mismatch of the cmdlet, one per line.

BeforeDiscovery {
    Import-Module "$PSScriptRoot/TestHelpers.psm1" -Force
    Import-PsContainersForTest
    $script:CommandNames = @(Get-Command -Module PsContainers -CommandType Cmdlet | Sort-Object Name | ForEach-Object Name)
}

BeforeAll {
    Import-Module "$PSScriptRoot/TestHelpers.psm1" -Force
    Import-PsContainersForTest
    $script:HelpDir = Join-Path $PSScriptRoot '../../docs/help'
    $help = & (Join-Path $PSScriptRoot '../../tools/ConvertTo-Maml.ps1') -HelpPath $script:HelpDir -AsObject `
        -MarkdigPath (Get-PinnedToolAssembly Markdig) -YamlDotNetPath (Get-PinnedToolAssembly YamlDotNet)
    $script:HelpByName = @{}
    foreach ($h in $help) { $script:HelpByName[$h.Name] = $h }

    # Parameters every cmdlet has and the help does not describe one by one ('### CommonParameters').
    # -WhatIf and -Confirm are compared: the help documents them.
    $script:Common = [System.Management.Automation.PSCmdlet]::CommonParameters

    function Format-List([string[]] $Items) {
        if (-not $Items -or $Items.Count -eq 0) { return '(none)' }
        return ($Items -join ', ')
    }

    function Test-SameSet([string[]] $A, [string[]] $B) {
        # Same members, in any order, case-insensitively.
        $x = @($A | Where-Object { $_ } | ForEach-Object ToLowerInvariant | Sort-Object -Unique)
        $y = @($B | Where-Object { $_ } | ForEach-Object ToLowerInvariant | Sort-Object -Unique)
        return (($x -join "`n") -ceq ($y -join "`n"))
    }

    function Get-TypeNames([type] $Type) {
        # Names the help may give the type: its name (String[], Container[]) or full name; for Nullable[T], T's.
        $names = @($Type.Name, $Type.FullName)
        $inner = [Nullable]::GetUnderlyingType($Type)
        if ($inner) { $names += @($inner.Name, $inner.FullName) }
        return $names
    }

    function Get-CodeAcceptedValues($Parameter) {
        # ValidateSet values, or the names of an enum type (PlatyPS lists those as accepted values too).
        $set = @($Parameter.Attributes | Where-Object { $_ -is [System.Management.Automation.ValidateSetAttribute] })
        if ($set.Count -gt 0) { return @($set[0].ValidValues) }
        $t = $Parameter.ParameterType
        if ($t.IsArray) { $t = $t.GetElementType() }
        $inner = [Nullable]::GetUnderlyingType($t)
        if ($inner) { $t = $inner }
        if ($t.IsEnum) { return @([enum]::GetNames($t)) }
        return @()
    }

    function Get-CodePipeline($SetMetadata) {
        $kinds = @()
        if ($SetMetadata.ValueFromPipeline) { $kinds += 'ByValue' }
        if ($SetMetadata.ValueFromPipelineByPropertyName) { $kinds += 'ByPropertyName' }
        if ($SetMetadata.ValueFromRemainingArguments) { $kinds += 'FromRemainingArguments' }
        return $kinds
    }

    function Get-HelpPipeline([string] $Text) {
        # 'False' -> none; 'True (ByPropertyName, ByValue)' -> the kinds; a bare 'True' names no kind.
        if ($Text -eq 'False') { return @() }
        if ($Text -match '^True \((.*)\)$') { return @($Matches[1] -split ',' | ForEach-Object Trim) }
        return @('(unspecified)')
    }

    function Get-HelpDrift([System.Management.Automation.CommandInfo] $Command, $Help) {
        # One [pscustomobject]@{ Kind; Message } per difference between the help and the cmdlet.
        $drift = [System.Collections.Generic.List[object]]::new()
        $add = { param($kind, $message) $drift.Add([pscustomobject]@{ Kind = $kind; Message = "$($kind): $message" }) }

        # Parameter sets: the sets SYNTAX declares, their default, and the parameters each syntax block lists.
        $codeSets = @($Command.ParameterSets)
        $helpSets = @($Help.Syntax)
        $codeSetNames = @($codeSets | ForEach-Object Name)
        $helpSetNames = @($helpSets | ForEach-Object Name)
        if (-not (Test-SameSet $codeSetNames $helpSetNames)) {
            & $add 'ParameterSets' "SYNTAX declares sets $(Format-List $helpSetNames), the cmdlet has $(Format-List $codeSetNames) (a cmdlet with one unnamed set, __AllParameterSets, takes one syntax block without a '### Set' heading)"
        }
        if ($codeSets.Count -gt 1) {
            $codeDefault = @($codeSets | Where-Object IsDefault | ForEach-Object Name)
            $helpDefault = @($helpSets | Where-Object IsDefault | ForEach-Object Name)
            if (-not (Test-SameSet $codeDefault $helpDefault)) {
                & $add 'ParameterSets' "SYNTAX marks $(Format-List $helpDefault) as '(Default)', the cmdlet's default set is $(Format-List $codeDefault)"
            }
        }
        foreach ($cs in $codeSets) {
            $hs = $helpSets | Where-Object Name -eq $cs.Name | Select-Object -First 1
            if (-not $hs) { continue }
            $codeMembers = @($cs.Parameters | ForEach-Object Name | Where-Object { $_ -notin $script:Common })
            if (-not (Test-SameSet $codeMembers $hs.Listed)) {
                $missing = @($codeMembers | Where-Object { $_ -notin $hs.Listed })
                $extra = @($hs.Listed | Where-Object { $_ -notin $codeMembers })
                & $add 'ParameterSets' "syntax '$($cs.Name)' lacks $(Format-List $missing) and lists $(Format-List $extra) that the set does not have"
            }
        }

        # Parameters: present on both sides.
        $codeParams = @($Command.Parameters.Values | Where-Object { $_.Name -notin $script:Common })
        $helpParams = @{}
        foreach ($p in $Help.Parameters) { $helpParams[$p.Name] = $p }
        foreach ($cp in $codeParams) {
            if (-not $helpParams.ContainsKey($cp.Name)) { & $add 'Parameter' "-$($cp.Name) is not documented" }
        }
        foreach ($name in $helpParams.Keys) {
            if (-not $Command.Parameters.ContainsKey($name) -or $name -in $script:Common) { & $add 'Parameter' "-$name is documented but the cmdlet has no such parameter" }
        }

        foreach ($cp in $codeParams) {
            $hp = $helpParams[$cp.Name]
            if (-not $hp) { continue }
            $n = "-$($cp.Name)"

            $typeNames = Get-TypeNames $cp.ParameterType
            $codeAliases = @($cp.Aliases)
            $codeAccepted = @(Get-CodeAcceptedValues $cp)
            $codeWildcards = [bool]@($cp.Attributes | Where-Object { $_ -is [System.Management.Automation.SupportsWildcardsAttribute] }).Count
            foreach ($v in $hp.Variants) {
                if ($v.Type -notin $typeNames) { & $add 'Type' "$n is '$($v.Type)' in the help, $($cp.ParameterType.Name) in the cmdlet" }
                if (-not (Test-SameSet $v.Aliases $codeAliases)) { & $add 'Aliases' "$n has aliases $(Format-List $v.Aliases) in the help, $(Format-List $codeAliases) in the cmdlet" }
                if ($v.Globbing -ne $codeWildcards) { & $add 'Wildcards' "$n says 'Accept wildcard characters: $($v.Globbing)' in the help, [SupportsWildcards] is $(if ($codeWildcards) { 'set' } else { 'not set' }) in the cmdlet" }
                if (-not (Test-SameSet $v.AcceptedValues $codeAccepted)) { & $add 'AcceptedValues' "$n accepts $(Format-List $v.AcceptedValues) in the help, $(Format-List $codeAccepted) in the cmdlet" }
            }

            # The sets the parameter belongs to: '(All)' is __AllParameterSets.
            $codeIn = @($cp.ParameterSets.Keys | ForEach-Object { if ($_ -eq '__AllParameterSets') { '(All)' } else { $_ } })
            $helpIn = @($hp.Variants | ForEach-Object { $_.Sets } | Select-Object -Unique)
            if (-not (Test-SameSet $codeIn $helpIn)) {
                & $add 'ParameterSets' "$n is in $(Format-List $helpIn) in the help, $(Format-List $codeIn) in the cmdlet"
            }

            # Position, Required and pipeline input, set by set.
            foreach ($entry in $cp.ParameterSets.GetEnumerator()) {
                $setName = if ($entry.Key -eq '__AllParameterSets') { '(All)' } else { $entry.Key }
                $v = $hp.Variants | Where-Object { $_.Sets -contains $setName } | Select-Object -First 1
                if (-not $v) { $v = $hp.Variants | Where-Object { $_.Sets -contains '(All)' } | Select-Object -First 1 }
                if (-not $v) { continue }      # reported above as a set difference
                $m = $entry.Value
                $where = if ($cp.ParameterSets.Count -gt 1 -or $setName -ne '(All)') { "$n (set $setName)" } else { $n }
                $codePosition = if ($m.Position -eq [int]::MinValue) { 'named' } else { "$($m.Position)" }
                if ($v.Position -ne $codePosition) { & $add 'Position' "$where is at position $($v.Position) in the help, $codePosition in the cmdlet" }
                if ($v.Required -ne $m.IsMandatory) { & $add 'Required' "$where is Required: $($v.Required) in the help, Mandatory: $($m.IsMandatory) in the cmdlet" }
                $codePipe = @(Get-CodePipeline $m)
                $helpPipe = @(Get-HelpPipeline $v.PipelineInput)
                if (-not (Test-SameSet $codePipe $helpPipe)) {
                    & $add 'PipelineInput' "$where takes pipeline input '$($v.PipelineInput)' in the help, $(if ($codePipe) { "True ($($codePipe -join ', '))" } else { 'False' }) in the cmdlet"
                }
            }
        }
        return , $drift.ToArray()
    }
}

Describe 'Help files' {
    It 'exist for every exported cmdlet, and only for those' {
        $names = @(Get-Command -Module PsContainers -CommandType Cmdlet | ForEach-Object Name)
        @($names | Where-Object { -not $script:HelpByName.ContainsKey($_) }) | Should -BeNullOrEmpty -Because 'every cmdlet needs docs/help/<Cmdlet>.md'
        @($script:HelpByName.Keys | Where-Object { $_ -notin $names }) | Should -BeNullOrEmpty -Because 'help files must describe exported cmdlets'
    }
}

Describe 'Help metadata of <_>' -ForEach $script:CommandNames {
    BeforeAll {
        $script:Name = $_
        $script:Drift = if ($script:HelpByName.ContainsKey($script:Name)) { Get-HelpDrift (Get-Command $script:Name) $script:HelpByName[$script:Name] } else { @() }
    }
    It 'matches the cmdlet: parameters, type, position, required, pipeline input, aliases, accepted values, wildcards, parameter sets' {
        $script:HelpByName.ContainsKey($script:Name) | Should -BeTrue -Because "docs/help/$($script:Name).md must exist"
        ($script:Drift | ForEach-Object Message) -join "`n" | Should -BeNullOrEmpty -Because "docs/help/$($script:Name).md must agree with the cmdlet"
    }
}

Describe 'Help NOTES name the ErrorIds a cmdlet writes' {
    # The ErrorIds raised in the cmdlet's code (a "catch ... when (... ErrorIds.X)" filter is not raising X) must be in
    # the NOTES section of its help, so a script can rely on them.
    It '<Name> lists the ErrorIds of its code' -ForEach @(
        @{ Name = 'Build-ContainerImage'; Sources = @('src/PsContainers.Core/Build/*.cs', 'src/PsContainers/PscCmdlet.Build.cs', 'src/PsContainers/Commands/BuildContainerImageCommand.cs') }
        @{ Name = 'ConvertTo-ContainerImage'; Sources = @('src/PsContainers.Core/Containers/ContainerManager.Commit.cs', 'src/PsContainers/Commands/ConvertToContainerImageCommand.cs', 'src/PsContainers.Core/Images/LayerDiff.cs') }
    ) {
        $repo = Join-Path $PSScriptRoot '../..'
        $ids = foreach ($pattern in $Sources) {
            foreach ($f in Get-ChildItem (Join-Path $repo $pattern)) {
                foreach ($line in Get-Content $f.FullName) {
                    if ($line -match '^\s*catch\b') { continue }
                    [regex]::Matches($line, 'ErrorIds\.(\w+)') | ForEach-Object { $_.Groups[1].Value }
                }
            }
        }
        $ids = @($ids | Sort-Object -Unique)
        $ids.Count | Should -BeGreaterThan 3
        $md = Get-Content -Raw (Join-Path $script:HelpDir "$Name.md")
        $notes = [regex]::Match($md, '(?s)## NOTES(.*?)## RELATED LINKS').Groups[1].Value
        @($ids | Where-Object { $notes -notmatch "\b$_\b" }) | Should -BeNullOrEmpty -Because "docs/help/$Name.md NOTES must list them"
    }
}
