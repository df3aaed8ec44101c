<#
.SYNOPSIS
    Converts PlatyPS (schema 2.0.0) markdown help files into one MAML help file for a binary module.

.DESCRIPTION
    Reads every *.md file in -HelpPath, parses it with Markdig (headings, paragraphs, lists, fenced code
    blocks) and its yaml (the front matter and each parameter's yaml block) with YamlDotNet, and writes a
    single MAML file (for example en-US/PsContainers.dll-Help.xml) that Get-Help reads for the module's
    cmdlets. With -AsObject it writes the parsed help to the pipeline instead.

    The conversion is strict: a file missing '# Name', '## SYNOPSIS', '## SYNTAX', '## DESCRIPTION' or
    '## EXAMPLES', an example without code, a '### -Param' section without its yaml block, yaml that is not
    valid or not one 'Key: value' mapping, a yaml block with missing, repeated, unknown or invalid keys, or a
    parameter set that SYNTAX does not declare makes the script fail with one message that names every file,
    the line and what is wrong there. Nothing is written in that case.

.EXAMPLE
    ./tools/ConvertTo-Maml.ps1 -HelpPath docs/help -OutputFile out/PsContainers/en-US/PsContainers.dll-Help.xml `
        -MarkdigPath ~/.nuget/packages/markdig/1.6.0/lib/net10.0/Markdig.dll `
        -YamlDotNetPath ~/.nuget/packages/yamldotnet/18.1.0/lib/net10.0/YamlDotNet.dll

.EXAMPLE
    ./tools/ConvertTo-Maml.ps1 -HelpPath docs/help -AsObject -MarkdigPath ... -YamlDotNetPath ... |
        ForEach-Object { $_.Name; $_.Parameters.Name }
#>
[CmdletBinding(DefaultParameterSetName = 'Maml')]
[OutputType([System.IO.FileInfo])]
param(
    # Directory holding the <Cmdlet-Name>.md files.
    [Parameter(Mandatory)] [string] $HelpPath,
    # Path of the MAML file to write, e.g. out/PsContainers/en-US/PsContainers.dll-Help.xml.
    [Parameter(Mandatory, ParameterSetName = 'Maml')] [string] $OutputFile,
    # Path of Markdig.dll (Markdig 1.x, net10.0 build).
    [Parameter(Mandatory)] [string] $MarkdigPath,
    # Path of YamlDotNet.dll (YamlDotNet 18.x, net10.0 build): parses the front matter and the parameter yaml blocks.
    [Parameter(Mandatory)] [string] $YamlDotNetPath,
    # Writes the FileInfo of the MAML file to the pipeline.
    [Parameter(ParameterSetName = 'Maml')] [switch] $PassThru,
    # Writes the parsed help instead of MAML, one object per command (Name, Syntax, Parameters with the
    # metadata of each yaml block): what the help drift test compares with the cmdlets. Nothing is written.
    [Parameter(Mandatory, ParameterSetName = 'Object')] [switch] $AsObject
)

Set-StrictMode -Version 3.0
$ErrorActionPreference = 'Stop'

$NsMaml = 'http://schemas.microsoft.com/maml/2004/10'
$NsCommand = 'http://schemas.microsoft.com/maml/dev/command/2004/10'
$NsDev = 'http://schemas.microsoft.com/maml/dev/2004/10'
$NsMsHelp = 'http://msdn.microsoft.com/mshelp'
$NsMsh = 'http://msh'

$KnownSections = @('SYNOPSIS', 'SYNTAX', 'DESCRIPTION', 'EXAMPLES', 'PARAMETERS', 'INPUTS', 'OUTPUTS', 'NOTES',
    'RELATED LINKS', 'ALIASES')
$RequiredSections = @('SYNOPSIS', 'SYNTAX', 'DESCRIPTION', 'EXAMPLES')
$RequiredYamlKeys = @('Type', 'Parameter Sets', 'Required', 'Position', 'Accept pipeline input',
    'Accept wildcard characters')
$KnownYamlKeys = $RequiredYamlKeys + @('Aliases', 'Accepted values', 'Default value', 'Dynamic')
# Keys that hold lists: comma-separated text (as PlatyPS writes them) or a yaml sequence.
$ListYamlKeys = @('Parameter Sets', 'Aliases', 'Accepted values')
$CommonParameterNames = @('CommonParameters', 'WorkflowCommonParameters')

# ---------------------------------------------------------------------------------------------------------
# Markdig and YamlDotNet
# ---------------------------------------------------------------------------------------------------------

function Get-LibraryAssembly([string] $Name, [string] $Path) {
    # An assembly already in the session with the same simple name is reused: loading a second copy would fail.
    # PowerShell's own Markdig is named Markdig.Signed and does not interfere.
    $loaded = [AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -eq $Name } |
        Select-Object -First 1
    if ($loaded) { return $loaded }
    if (-not (Test-Path -LiteralPath $Path -PathType Leaf)) {
        throw "$Name assembly not found at '$Path' (run: dotnet restore tools/deps/deps.csproj)."
    }
    return [System.Reflection.Assembly]::LoadFrom((Resolve-Path -LiteralPath $Path).ProviderPath)
}

$markdig = Get-LibraryAssembly 'Markdig' $MarkdigPath
$yamlDotNet = Get-LibraryAssembly 'YamlDotNet' $YamlDotNetPath
# YamlDotNet's event parser: every key and value comes with its line, so problems can name it.
$YamlParserType = $yamlDotNet.GetType('YamlDotNet.Core.Parser', $true)
# Types are taken from the loaded assembly itself so that a type name can never resolve to another copy.
$builder = [Activator]::CreateInstance($markdig.GetType('Markdig.MarkdownPipelineBuilder', $true))
$extensions = $markdig.GetType('Markdig.MarkdownExtensions', $true)
$null = $extensions.GetMethod('UseYamlFrontMatter').Invoke($null, @($builder))
$Pipeline = $builder.Build()
$ParseMethod = $markdig.GetType('Markdig.Markdown', $true).GetMethods() | Where-Object {
    $_.Name -eq 'Parse' -and $_.GetParameters().Count -eq 3 -and
    $_.GetParameters()[1].ParameterType.Name -eq 'MarkdownPipeline' } | Select-Object -First 1

function Get-InlineText($Inline) {
    # Plain text of an inline tree: emphasis markers dropped, `code` kept, links as 'text (url)'.
    if ($null -eq $Inline) { return '' }
    $sb = [System.Text.StringBuilder]::new()
    switch ($Inline.GetType().Name) {
        'LiteralInline' { $null = $sb.Append($Inline.Content.ToString()) }
        'CodeInline' { $null = $sb.Append('`').Append($Inline.Content).Append('`') }
        'LineBreakInline' { $null = $sb.Append($(if ($Inline.IsHard) { "`n" } else { ' ' })) }
        'HtmlEntityInline' { $null = $sb.Append($Inline.Transcoded.ToString()) }
        'HtmlInline' { $null = $sb.Append($Inline.Tag) }
        'AutolinkInline' { $null = $sb.Append($Inline.Url) }
        'LinkInline' {
            $text = Get-ChildInlineText $Inline
            $null = $sb.Append($text)
            $url = $Inline.Url
            if ($url -and -not $Inline.IsImage -and $url -ne $text -and $url -match '^[a-z][a-z0-9+.-]*://') {
                $null = $sb.Append(' (').Append($url).Append(')')
            }
        }
        default {
            if ($Inline -is [System.Collections.IEnumerable]) { $null = $sb.Append((Get-ChildInlineText $Inline)) }
        }
    }
    return $sb.ToString()
}

function Get-ChildInlineText($Container) {
    $sb = [System.Text.StringBuilder]::new()
    foreach ($child in $Container) { $null = $sb.Append((Get-InlineText $child)) }
    return $sb.ToString()
}

function Get-LeafText($Block) {
    # Text of a heading or paragraph.
    return (Get-InlineText $Block.Inline).Trim()
}

function Get-CodeText($Block) {
    # Lines of a code block (fenced or indented) or front matter, indentation and blank lines kept.
    $group = $Block.Lines
    $lines = for ($i = 0; $i -lt $group.Count; $i++) { $group.Lines[$i].Slice.ToString() }
    return ((@($lines) -join "`n").TrimEnd())
}

function ConvertTo-Paragraphs($Blocks) {
    # Turns markdown blocks into MAML paragraph strings (one per paragraph, list item or code block).
    $paras = [System.Collections.Generic.List[string]]::new()
    foreach ($b in $Blocks) {
        switch ($b.GetType().Name) {
            'ParagraphBlock' { $t = Get-LeafText $b; if ($t) { $paras.Add($t) } }
            'HeadingBlock' { $t = Get-LeafText $b; if ($t) { $paras.Add($t) } }
            { $_ -in 'FencedCodeBlock', 'CodeBlock' } { $t = Get-CodeText $b; if ($t) { $paras.Add($t) } }
            'ListBlock' {
                $n = 0
                foreach ($item in $b) {
                    $n++
                    $bullet = if ($b.IsOrdered) { "$n." } else { '-' }
                    $inner = @(ConvertTo-Paragraphs @($item))
                    if ($inner.Count -gt 0) {
                        $paras.Add("$bullet $($inner[0])")
                        foreach ($rest in ($inner | Select-Object -Skip 1)) { $paras.Add("  $rest") }
                    }
                }
            }
            'QuoteBlock' { foreach ($t in (ConvertTo-Paragraphs @($b))) { $paras.Add($t) } }
            'HtmlBlock' { $t = Get-CodeText $b; if ($t -and $t -notmatch '^\s*<!--') { $paras.Add($t) } }
            default { }
        }
    }
    return , $paras.ToArray()
}

# ---------------------------------------------------------------------------------------------------------
# Reading one markdown file into a command description
# ---------------------------------------------------------------------------------------------------------

function Read-YamlMapping([string] $Text, [int] $FirstLine, [string] $What, [System.Collections.Generic.List[string]] $ProblemList) {
    # Parses $Text (a yaml block whose first line is line $FirstLine of the file) with YamlDotNet's parser into an
    # ordered map: key -> @{ Value = string or string[] (a yaml sequence); Line = file line of the key }.
    # The block must be one mapping of scalar keys to scalars or sequences of scalars. Problems go to $ProblemList
    # as 'line N: <What> ...' and name the line of the key (or of the syntax error) in the file. Returns $null
    # when the block is not a readable mapping at all (the problem is reported; callers check nothing more).
    $map = [ordered]@{}
    if ([string]::IsNullOrWhiteSpace($Text)) { return $map }
    $fileLine = { param($mark) $FirstLine + [int]$mark.Line - 1 }
    $parser = [Activator]::CreateInstance($YamlParserType, @([System.IO.StringReader]::new($Text)))
    $state = @{ Line = $FirstLine }                    # line of the last event read, for errors without a mark
    $next = {
        if (-not $parser.MoveNext()) { throw [System.IO.EndOfStreamException]::new('the yaml ended early') }
        $state.Line = & $fileLine $parser.Current.Start
        $parser.Current
    }
    try {
        $e = & $next                                   # StreamStart
        $e = & $next
        if ($e.GetType().Name -eq 'StreamEnd') { return $map }
        $e = & $next                                   # after DocumentStart: the root node
        if ($e.GetType().Name -ne 'MappingStart') {
            $ProblemList.Add("line $(& $fileLine $e.Start): $What is not a mapping of 'Key: value' lines")
            return $null
        }
        while ($true) {
            $k = & $next
            if ($k.GetType().Name -eq 'MappingEnd') { break }
            $keyLine = & $fileLine $k.Start
            if ($k.GetType().Name -ne 'Scalar') {
                $ProblemList.Add("line $($keyLine): $What has a key that is not plain text")
                return $null
            }
            $key = $k.Value.Trim()
            $v = & $next
            $value = $null
            switch ($v.GetType().Name) {
                'Scalar' { $value = $v.Value.Trim() }
                'SequenceStart' {
                    $items = [System.Collections.Generic.List[string]]::new()
                    while (($i = & $next).GetType().Name -ne 'SequenceEnd') {
                        if ($i.GetType().Name -ne 'Scalar') {
                            $ProblemList.Add("line $(& $fileLine $i.Start): $What '$($key)' lists something that is not a plain value")
                            return $null
                        }
                        $items.Add($i.Value.Trim())
                    }
                    $value = [string[]]$items.ToArray()
                }
                'AnchorAlias' {
                    $ProblemList.Add("line $($keyLine): $What '$($key)' uses a yaml alias (*$($v.Value)); write the value out")
                    $value = ''
                }
                default {
                    $ProblemList.Add("line $($keyLine): $What '$($key)' has a nested mapping; it takes a value or a list")
                    return $null
                }
            }
            if ($map.Contains($key)) {
                $ProblemList.Add("line $($keyLine): $What repeats key '$key' (first on line $($map[$key].Line))")
                continue
            }
            $map[$key] = [pscustomobject]@{ Value = $value; Line = $keyLine }
        }
        $null = & $next                                # DocumentEnd
        $e = & $next
        if ($e.GetType().Name -ne 'StreamEnd') {
            $ProblemList.Add("line $(& $fileLine $e.Start): $What holds more than one yaml document")
        }
    } catch {
        $ex = $_.Exception
        while ($ex -is [System.Management.Automation.MethodInvocationException] -and $ex.InnerException) { $ex = $ex.InnerException }
        if ($ex.GetType().FullName -like 'YamlDotNet.*') {
            $ProblemList.Add("line $(& $fileLine $ex.Start): $What is not valid yaml: $($ex.Message)")
        } else {
            # YamlDotNet's scanner throws some syntax errors (an unclosed '[') without a position.
            $ProblemList.Add("line $($state.Line): $What is not valid yaml from this line on ($($ex.Message))")
        }
        return $null
    }
    return $map
}

function Get-YamlList($Entry) {
    # A list-valued key: a yaml sequence, or PlatyPS's comma-separated text.
    if ($null -eq $Entry) { return , @() }
    $items = if ($Entry.Value -is [array]) { $Entry.Value } else { [string]$Entry.Value -split ',' }
    return , @($items | ForEach-Object { "$_".Trim() } | Where-Object { $_ })
}

function Read-ParameterYaml([string] $Text, [string] $ParamName, [int] $YamlLine, [System.Collections.Generic.List[string]] $ProblemList) {
    # $YamlLine is the line of the ```yaml fence; problems name the line of the key concerned, or the fence line.
    $map = Read-YamlMapping $Text ($YamlLine + 1) "### -$ParamName yaml" $ProblemList
    $readable = $null -ne $map
    if (-not $readable) { $map = [ordered]@{} }
    $at = { param($key) if ($map.Contains($key)) { $map[$key].Line } else { $YamlLine } }
    $scalar = @{}
    foreach ($key in @($map.Keys)) {
        if ($key -notin $KnownYamlKeys) { $ProblemList.Add("line $(& $at $key): ### -$ParamName yaml has unknown key '$key'"); continue }
        if ($key -notin $ListYamlKeys -and $map[$key].Value -is [array]) {
            $ProblemList.Add("line $(& $at $key): ### -$ParamName '$($key):' takes one value, not a list"); continue
        }
        $scalar[$key] = $(if ($map[$key].Value -is [array]) { $map[$key].Value -join ', ' } else { [string]$map[$key].Value })
    }
    foreach ($k in $RequiredYamlKeys) {
        if (-not $readable) { break }
        if (-not $map.Contains($k)) { $ProblemList.Add("line $($YamlLine): ### -$ParamName yaml block lacks '$($k):'") }
        elseif ($scalar.Contains($k) -and [string]::IsNullOrWhiteSpace($scalar[$k])) { $ProblemList.Add("line $(& $at $k): ### -$ParamName yaml block has an empty '$($k):'") }
    }
    foreach ($k in 'Required', 'Accept wildcard characters') {
        if ($scalar[$k] -and $scalar[$k] -notin 'True', 'False') {
            $ProblemList.Add("line $(& $at $k): ### -$ParamName '$($k): $($scalar[$k])' must be True or False")
        }
    }
    if ($scalar['Position'] -and $scalar['Position'] -notmatch '^(\d+|Named)$') {
        $ProblemList.Add("line $(& $at 'Position'): ### -$ParamName 'Position: $($scalar['Position'])' must be a number or Named")
    }
    $pipeline = $scalar['Accept pipeline input']
    if ($pipeline -and
        $pipeline -notmatch '^(False|True( \((ByValue|ByPropertyName|FromRemainingArguments)(, (ByValue|ByPropertyName|FromRemainingArguments))*\))?)$') {
        $ProblemList.Add("line $(& $at 'Accept pipeline input'): ### -$ParamName 'Accept pipeline input: $pipeline' must be False or True (ByValue, ByPropertyName)")
    }
    $default = if ($scalar['Default value']) { $scalar['Default value'] } else { 'None' }
    return [pscustomobject]@{
        Type = [string]$scalar['Type']
        Sets = (Get-YamlList $map['Parameter Sets'])
        Aliases = (Get-YamlList $map['Aliases'])
        AcceptedValues = (Get-YamlList $map['Accepted values'])
        Required = ($scalar['Required'] -eq 'True')
        Position = $(if ([string]$scalar['Position'] -match '^\d+$') { [string]$scalar['Position'] } else { 'named' })
        DefaultValue = $default
        PipelineInput = $(if ($pipeline) { $pipeline } else { 'False' })
        Globbing = ($scalar['Accept wildcard characters'] -eq 'True')
    }
}

function Split-Sections($Blocks, [string] $File, [System.Collections.Generic.List[string]] $Problems) {
    # Groups the document into: name (H1), sections (H2) each with body blocks and H3 subsections.
    $doc = [pscustomobject]@{ Name = $null; NameLine = 0; FrontMatter = $null; FrontMatterLine = 0; Sections = [ordered]@{} }
    $section = $null
    $sub = $null
    foreach ($b in $Blocks) {
        $kind = $b.GetType().Name
        if ($kind -eq 'YamlFrontMatterBlock') {
            # The block's lines are those between the '---' fences; the opening fence is on line $b.Line + 1.
            $doc.FrontMatter = Get-CodeText $b; $doc.FrontMatterLine = $b.Line + 2; continue
        }
        if ($kind -eq 'HeadingBlock' -and $b.Level -le 3) {
            # Deeper headings are kept as content of the subsection they sit in.
            $text = Get-LeafText $b
            if ($b.Level -eq 1) {
                if ($doc.Name) { $Problems.Add("line $($b.Line + 1): a second '# $text' heading (only one '# Name' is allowed)") }
                else { $doc.Name = $text; $doc.NameLine = $b.Line + 1 }
                $section = $null; $sub = $null
            } elseif ($b.Level -eq 2) {
                $key = $text.ToUpperInvariant()
                if ($key -notin $KnownSections) { $Problems.Add("line $($b.Line + 1): unknown section '## $text'") }
                if ($doc.Sections.Contains($key)) { $Problems.Add("line $($b.Line + 1): section '## $text' appears twice") }
                $section = [pscustomobject]@{ Title = $text; Line = $b.Line + 1
                    Body = [System.Collections.Generic.List[object]]::new()
                    Subs = [System.Collections.Generic.List[object]]::new() }
                if (-not $doc.Sections.Contains($key)) { $doc.Sections[$key] = $section }
                $sub = $null
            } elseif ($null -eq $section) {
                $Problems.Add("line $($b.Line + 1): '### $text' is outside any '## ' section")
            } else {
                $sub = [pscustomobject]@{ Title = $text; Line = $b.Line + 1
                    Blocks = [System.Collections.Generic.List[object]]::new() }
                $section.Subs.Add($sub)
            }
            continue
        }
        if ($null -ne $sub) { $sub.Blocks.Add($b) }
        elseif ($null -ne $section) { $section.Body.Add($b) }
        elseif ($kind -notin 'BlankLineBlock', 'LinkReferenceDefinitionGroup') {
            $Problems.Add("line $($b.Line + 1): content before the first '## ' section")
        }
    }
    return $doc
}

function Get-SyntaxParameterNames([string] $Code) {
    # Parameter names in the order a syntax line lists them (-Name, [-Name], [[-Name] <T>] ...).
    $names = [System.Collections.Generic.List[string]]::new()
    foreach ($token in ($Code -split '[\s\[\]]+')) {
        if ($token -match '^-([A-Za-z_][A-Za-z0-9_]*)$' -and -not $names.Contains($Matches[1])) { $names.Add($Matches[1]) }
    }
    return , $names.ToArray()
}

function Read-CommandHelp([System.IO.FileInfo] $File) {
    $problems = [System.Collections.Generic.List[string]]::new()
    $text = [System.IO.File]::ReadAllText($File.FullName)
    $md = $ParseMethod.Invoke($null, @($text, $Pipeline, $null))
    # Collected with Add: emitting blocks to the pipeline would unroll container blocks (lists) into their items.
    $blocks = [System.Collections.Generic.List[object]]::new()
    foreach ($b in $md) { $blocks.Add($b) }
    $doc = Split-Sections $blocks $File.Name $problems

    if (-not $doc.Name) { $problems.Add("missing '# <Command-Name>' heading") }
    elseif ($doc.Name -notmatch '^[A-Za-z]+-[A-Za-z0-9]+$') { $problems.Add("'# $($doc.Name)' is not a Verb-Noun command name") }
    elseif ($doc.Name -ne $File.BaseName) { $problems.Add("'# $($doc.Name)' does not match the file name $($File.Name)") }
    foreach ($s in $RequiredSections) {
        if (-not $doc.Sections.Contains($s)) { $problems.Add("missing '## $s' section") }
    }

    $cmd = [pscustomobject]@{
        Name = $doc.Name; Synopsis = ''; Description = @(); Syntax = @(); Parameters = @(); Examples = @()
        Inputs = @(); Outputs = @(); Notes = @(); Links = @(); OnlineVersion = $null
    }

    # Front matter: a yaml mapping (external help file, Module Name, online version, schema, ...).
    if ($doc.FrontMatter) {
        $front = Read-YamlMapping $doc.FrontMatter $doc.FrontMatterLine 'front matter' $problems
        $online = if ($front) { $front['online version'] } else { $null }
        if ($online -and $online.Value -is [array]) { $problems.Add("line $($online.Line): front matter 'online version:' takes one address, not a list") }
        elseif ($online -and $online.Value) {
            if ($online.Value -notmatch '^[a-z][a-z0-9+.-]*://\S+$') { $problems.Add("line $($online.Line): front matter 'online version: $($online.Value)' is not an absolute address") }
            else { $cmd.OnlineVersion = $online.Value }
        }
    }

    # SYNOPSIS: one paragraph.
    if ($doc.Sections.Contains('SYNOPSIS')) {
        $s = $doc.Sections['SYNOPSIS']
        $paras = ConvertTo-Paragraphs $s.Body
        if ($paras.Count -eq 0 -or $s.Subs.Count -gt 0) { $problems.Add("line $($s.Line): '## SYNOPSIS' needs one line of text and no subsections") }
        else { $cmd.Synopsis = ($paras -join ' ') }
    }

    # DESCRIPTION: paragraphs, lists, code; '###' subheadings are kept as paragraphs.
    if ($doc.Sections.Contains('DESCRIPTION')) {
        $s = $doc.Sections['DESCRIPTION']
        $all = [System.Collections.Generic.List[string]]::new()
        foreach ($p in (ConvertTo-Paragraphs $s.Body)) { $all.Add($p) }
        foreach ($sub in $s.Subs) { $all.Add($sub.Title); foreach ($p in (ConvertTo-Paragraphs $sub.Blocks)) { $all.Add($p) } }
        if ($all.Count -eq 0) { $problems.Add("line $($s.Line): '## DESCRIPTION' is empty") }
        $cmd.Description = $all.ToArray()
    }

    # PARAMETERS: '### -Name', description, then one or more ```yaml blocks (one per group of sets).
    $params = [System.Collections.Generic.List[object]]::new()
    # Every '### -Name' seen, including broken ones (so SYNTAX checks do not report them a second time).
    $documented = [System.Collections.Generic.List[string]]::new()
    if ($doc.Sections.Contains('PARAMETERS')) {
        $s = $doc.Sections['PARAMETERS']
        foreach ($sub in $s.Subs) {
            if ($sub.Title -in $CommonParameterNames) { continue }
            if ($sub.Title -notmatch '^-([A-Za-z_][A-Za-z0-9_]*)$') {
                $problems.Add("line $($sub.Line): '### $($sub.Title)' under PARAMETERS is not '### -ParameterName'")
                continue
            }
            $pname = $Matches[1]
            if ($documented.Contains($pname)) { $problems.Add("line $($sub.Line): parameter -$pname is documented twice"); continue }
            $documented.Add($pname)
            $yamlBlocks = @($sub.Blocks | Where-Object { $_.GetType().Name -eq 'FencedCodeBlock' -and $_.Info -eq 'yaml' })
            $descBlocks = @($sub.Blocks | Where-Object { -not ($_.GetType().Name -eq 'FencedCodeBlock' -and $_.Info -eq 'yaml') })
            if ($yamlBlocks.Count -eq 0) {
                $problems.Add("line $($sub.Line): '### -$pname' has no ``````yaml block (Type, Parameter Sets, Required, Position, ...)")
                continue
            }
            $variants = @(foreach ($y in $yamlBlocks) { Read-ParameterYaml (Get-CodeText $y) $pname ($y.Line + 1) $problems })
            $desc = ConvertTo-Paragraphs $descBlocks
            if ($desc.Count -eq 0) { $problems.Add("line $($sub.Line): '### -$pname' has no description") }
            $params.Add([pscustomobject]@{ Name = $pname; Description = $desc; Variants = $variants; Line = $sub.Line })
        }
        foreach ($b in $s.Body) {
            if ($b.GetType().Name -eq 'FencedCodeBlock') { $problems.Add("line $($b.Line + 1): code block under '## PARAMETERS' outside any '### -Parameter'") }
        }
    }
    $cmd.Parameters = $params.ToArray()

    # SYNTAX: '### SetName' (optionally '(Default)') with a code block each, or a single code block.
    if ($doc.Sections.Contains('SYNTAX')) {
        $s = $doc.Sections['SYNTAX']
        $sets = [System.Collections.Generic.List[object]]::new()
        if ($s.Subs.Count -eq 0) {
            $code = @($s.Body | Where-Object { $_.GetType().Name -in 'FencedCodeBlock', 'CodeBlock' })
            if ($code.Count -ne 1) { $problems.Add("line $($s.Line): '## SYNTAX' without '### SetName' subsections needs exactly one code block") }
            else { $sets.Add([pscustomobject]@{ Name = '__AllParameterSets'; IsDefault = $true; Order = (Get-SyntaxParameterNames (Get-CodeText $code[0])) }) }
        } else {
            foreach ($sub in $s.Subs) {
                $setName = ($sub.Title -replace '\s*\(Default\)\s*$', '').Trim()
                $code = @($sub.Blocks | Where-Object { $_.GetType().Name -in 'FencedCodeBlock', 'CodeBlock' })
                if ($code.Count -ne 1) { $problems.Add("line $($sub.Line): syntax '### $($sub.Title)' needs exactly one code block"); continue }
                $sets.Add([pscustomobject]@{ Name = $setName; IsDefault = ($sub.Title -match '\(Default\)\s*$')
                    Order = (Get-SyntaxParameterNames (Get-CodeText $code[0])) })
            }
        }
        $setNames = @($sets | ForEach-Object Name)
        $byName = @{}
        foreach ($p in $cmd.Parameters) { $byName[$p.Name] = $p }
        foreach ($p in $cmd.Parameters) {
            foreach ($v in $p.Variants) {
                foreach ($sn in $v.Sets) {
                    if ($sn -eq '(All)') { continue }
                    if ($sn -notin $setNames) { $problems.Add("line $($p.Line): -$($p.Name) names parameter set '$sn' that '## SYNTAX' does not list") }
                }
            }
        }
        foreach ($set in $sets) {
            foreach ($n in $set.Order) {
                if (-not $documented.Contains($n)) { $problems.Add("syntax '$($set.Name)' lists -$n but '## PARAMETERS' has no '### -$n'") }
            }
            $items = [System.Collections.Generic.List[object]]::new()
            $members = foreach ($p in $cmd.Parameters) {
                $v = $p.Variants | Where-Object { $_.Sets -contains $set.Name -or $_.Sets -contains '(All)' -or $sets.Count -eq 1 } | Select-Object -First 1
                if ($v) {
                    $idx = [array]::IndexOf($set.Order, $p.Name)
                    [pscustomobject]@{ Param = $p; Variant = $v; Index = $(if ($idx -ge 0) { $idx } else { 10000 + $items.Count }) }
                    $items.Add($p)
                }
            }
            $members = @($members | Sort-Object Index)
            $cmd.Syntax += [pscustomobject]@{ Name = $set.Name; IsDefault = $set.IsDefault; Listed = $set.Order; Members = $members }
        }
    }

    # EXAMPLES: '### Example N: Title', fenced code block(s), remarks.
    if ($doc.Sections.Contains('EXAMPLES')) {
        $s = $doc.Sections['EXAMPLES']
        if ($s.Subs.Count -eq 0) { $problems.Add("line $($s.Line): '## EXAMPLES' has no '### Example 1: Title'") }
        foreach ($sub in $s.Subs) {
            $code = @($sub.Blocks | Where-Object { $_.GetType().Name -in 'FencedCodeBlock', 'CodeBlock' } | ForEach-Object { Get-CodeText $_ })
            if ($code.Count -eq 0 -or -not ($code -join '').Trim()) { $problems.Add("line $($sub.Line): example '### $($sub.Title)' has no code block"); continue }
            $remarks = ConvertTo-Paragraphs @($sub.Blocks | Where-Object { $_.GetType().Name -notin 'FencedCodeBlock', 'CodeBlock' })
            $cmd.Examples += [pscustomobject]@{ Title = $sub.Title; Code = ($code -join "`n`n"); Remarks = $remarks }
        }
    }

    # INPUTS / OUTPUTS: '### TypeName' and an optional description.
    foreach ($pair in @(@('INPUTS', 'Inputs'), @('OUTPUTS', 'Outputs'))) {
        if (-not $doc.Sections.Contains($pair[0])) { continue }
        $s = $doc.Sections[$pair[0]]
        $list = @()
        $loose = ConvertTo-Paragraphs $s.Body
        if ($loose.Count -gt 0) {
            $list += [pscustomobject]@{ Type = $loose[0]; Description = @($loose | Select-Object -Skip 1) }
        }
        foreach ($sub in $s.Subs) {
            $list += [pscustomobject]@{ Type = $sub.Title; Description = (ConvertTo-Paragraphs $sub.Blocks) }
        }
        $cmd.($pair[1]) = $list
    }

    # NOTES (and ALIASES, which MAML has no place for): alert paragraphs.
    foreach ($name in 'NOTES', 'ALIASES') {
        if (-not $doc.Sections.Contains($name)) { continue }
        $s = $doc.Sections[$name]
        $cmd.Notes += @(ConvertTo-Paragraphs $s.Body)
        foreach ($sub in $s.Subs) { $cmd.Notes += $sub.Title; $cmd.Notes += @(ConvertTo-Paragraphs $sub.Blocks) }
    }

    # RELATED LINKS: '[Text](url)' links, bare text lines; the front matter's online version goes first.
    if ($cmd.OnlineVersion) { $cmd.Links += [pscustomobject]@{ Text = 'Online Version:'; Uri = $cmd.OnlineVersion } }
    if ($doc.Sections.Contains('RELATED LINKS')) {
        $s = $doc.Sections['RELATED LINKS']
        foreach ($b in $s.Body) { foreach ($l in (Get-BlockLinks $b)) { $cmd.Links += $l } }
    }

    return [pscustomobject]@{ Command = $cmd; Problems = $problems }
}

function Get-BlockLinks($Block) {
    $kind = $Block.GetType().Name
    if ($kind -eq 'ListBlock') {
        foreach ($item in $Block) { foreach ($child in $item) { Get-BlockLinks $child } }
        return
    }
    if ($kind -ne 'ParagraphBlock') { return }
    $found = $false
    foreach ($inline in $Block.Inline) {
        $ik = $inline.GetType().Name
        if ($ik -eq 'LinkInline' -and -not $inline.IsImage) {
            $found = $true
            $uri = if ($inline.Url -match '^[a-z][a-z0-9+.-]*://') { $inline.Url } else { '' }
            [pscustomobject]@{ Text = (Get-ChildInlineText $inline).Trim(); Uri = $uri }
        } elseif ($ik -eq 'AutolinkInline') {
            $found = $true
            [pscustomobject]@{ Text = $inline.Url; Uri = $inline.Url }
        }
    }
    if (-not $found) {
        $t = Get-LeafText $Block
        if ($t) { [pscustomobject]@{ Text = $t; Uri = '' } }
    }
}

# ---------------------------------------------------------------------------------------------------------
# Writing MAML
# ---------------------------------------------------------------------------------------------------------

function Write-Paras([System.Xml.XmlWriter] $W, [string[]] $Paras) {
    if (-not $Paras -or $Paras.Count -eq 0) { $Paras = @('') }
    foreach ($p in $Paras) { $W.WriteElementString('maml', 'para', $NsMaml, $p) }
}

function Write-Description([System.Xml.XmlWriter] $W, [string[]] $Paras) {
    $W.WriteStartElement('maml', 'description', $NsMaml)
    Write-Paras $W $Paras
    $W.WriteEndElement()
}

function Test-SwitchType([string] $Type) {
    return $Type -in 'SwitchParameter', 'System.Management.Automation.SwitchParameter'
}

function Write-Parameter([System.Xml.XmlWriter] $W, $Param, $Variant, [switch] $InSyntax) {
    $type = $Variant.Type
    $isSwitch = Test-SwitchType $type
    $W.WriteStartElement('command', 'parameter', $NsCommand)
    $W.WriteAttributeString('required', $Variant.Required.ToString().ToLowerInvariant())
    $W.WriteAttributeString('variableLength', $type.EndsWith('[]').ToString().ToLowerInvariant())
    $W.WriteAttributeString('globbing', $Variant.Globbing.ToString().ToLowerInvariant())
    $W.WriteAttributeString('pipelineInput', $Variant.PipelineInput)
    $W.WriteAttributeString('position', $Variant.Position)
    $W.WriteAttributeString('aliases', $(if ($Variant.Aliases.Count) { $Variant.Aliases -join ', ' } else { 'none' }))
    $W.WriteElementString('maml', 'name', $NsMaml, $Param.Name)
    Write-Description $W $Param.Description
    if ($InSyntax -and $Variant.AcceptedValues.Count -gt 0) {
        $W.WriteStartElement('command', 'parameterValueGroup', $NsCommand)
        foreach ($v in $Variant.AcceptedValues) {
            $W.WriteStartElement('command', 'parameterValue', $NsCommand)
            $W.WriteAttributeString('required', 'false')
            $W.WriteAttributeString('command', 'variableLength', $NsCommand, 'false')
            $W.WriteString($v)
            $W.WriteEndElement()
        }
        $W.WriteEndElement()
    } elseif (-not ($InSyntax -and $isSwitch)) {
        # A switch takes no value: the syntax shows it bare, the parameter list still names its type.
        $W.WriteStartElement('command', 'parameterValue', $NsCommand)
        $W.WriteAttributeString('required', $(if ($isSwitch) { 'false' } else { 'true' }))
        $W.WriteAttributeString('variableLength', $type.EndsWith('[]').ToString().ToLowerInvariant())
        $W.WriteString($type)
        $W.WriteEndElement()
    }
    $W.WriteStartElement('dev', 'type', $NsDev)
    $W.WriteElementString('maml', 'name', $NsMaml, $type)
    $W.WriteElementString('maml', 'uri', $NsMaml, '')
    $W.WriteEndElement()
    $W.WriteElementString('dev', 'defaultValue', $NsDev, $Variant.DefaultValue)
    $W.WriteEndElement()
}

function Write-TypeList([System.Xml.XmlWriter] $W, [string] $Outer, [string] $Inner, $Items) {
    $W.WriteStartElement('command', $Outer, $NsCommand)
    foreach ($item in $Items) {
        $W.WriteStartElement('command', $Inner, $NsCommand)
        $W.WriteStartElement('dev', 'type', $NsDev)
        $W.WriteElementString('maml', 'name', $NsMaml, $item.Type)
        $W.WriteEndElement()
        Write-Description $W $item.Description
        $W.WriteEndElement()
    }
    $W.WriteEndElement()
}

function Write-Command([System.Xml.XmlWriter] $W, $Cmd) {
    $verb, $noun = $Cmd.Name -split '-', 2
    $W.WriteStartElement('command', 'command', $NsCommand)
    $W.WriteAttributeString('xmlns', 'maml', $null, $NsMaml)
    $W.WriteAttributeString('xmlns', 'command', $null, $NsCommand)
    $W.WriteAttributeString('xmlns', 'dev', $null, $NsDev)
    $W.WriteAttributeString('xmlns', 'MSHelp', $null, $NsMsHelp)

    $W.WriteStartElement('command', 'details', $NsCommand)
    $W.WriteElementString('command', 'name', $NsCommand, $Cmd.Name)
    $W.WriteElementString('command', 'verb', $NsCommand, $verb)
    $W.WriteElementString('command', 'noun', $NsCommand, $noun)
    Write-Description $W @($Cmd.Synopsis)
    $W.WriteEndElement()

    Write-Description $W $Cmd.Description

    $W.WriteStartElement('command', 'syntax', $NsCommand)
    foreach ($set in $Cmd.Syntax) {
        $W.WriteStartElement('command', 'syntaxItem', $NsCommand)
        $W.WriteElementString('maml', 'name', $NsMaml, $Cmd.Name)
        foreach ($m in $set.Members) { Write-Parameter $W $m.Param $m.Variant -InSyntax }
        $W.WriteEndElement()
    }
    $W.WriteEndElement()

    $W.WriteStartElement('command', 'parameters', $NsCommand)
    foreach ($p in $Cmd.Parameters) { Write-Parameter $W $p $p.Variants[0] }
    $W.WriteEndElement()

    Write-TypeList $W 'inputTypes' 'inputType' $Cmd.Inputs
    Write-TypeList $W 'returnValues' 'returnValue' $Cmd.Outputs

    $W.WriteStartElement('maml', 'alertSet', $NsMaml)
    if ($Cmd.Notes.Count -gt 0) {
        $W.WriteStartElement('maml', 'alert', $NsMaml)
        Write-Paras $W $Cmd.Notes
        $W.WriteEndElement()
    }
    $W.WriteEndElement()

    $W.WriteStartElement('command', 'examples', $NsCommand)
    foreach ($ex in $Cmd.Examples) {
        $W.WriteStartElement('command', 'example', $NsCommand)
        $W.WriteElementString('maml', 'title', $NsMaml, "-------------------------- $($ex.Title) --------------------------")
        $W.WriteElementString('dev', 'code', $NsDev, $ex.Code)
        $W.WriteStartElement('dev', 'remarks', $NsDev)
        Write-Paras $W $ex.Remarks
        $W.WriteEndElement()
        $W.WriteEndElement()
    }
    $W.WriteEndElement()

    $W.WriteStartElement('command', 'relatedLinks', $NsCommand)
    foreach ($l in $Cmd.Links) {
        $W.WriteStartElement('maml', 'navigationLink', $NsMaml)
        $W.WriteElementString('maml', 'linkText', $NsMaml, $l.Text)
        $W.WriteElementString('maml', 'uri', $NsMaml, $l.Uri)
        $W.WriteEndElement()
    }
    $W.WriteEndElement()

    $W.WriteEndElement()
}

# ---------------------------------------------------------------------------------------------------------
# Main
# ---------------------------------------------------------------------------------------------------------

# No help at all is not broken help: warn (the build goes on without a MAML file) instead of failing.
$files = @()
if (Test-Path -LiteralPath $HelpPath -PathType Container) {
    # about_*.md are conceptual topics (tools/ConvertTo-AboutHelp.ps1), not cmdlet help
    $files = @(Get-ChildItem -LiteralPath $HelpPath -Filter *.md -File | Where-Object Name -notlike 'about_*' | Sort-Object Name)
}
if ($files.Count -eq 0) {
    Write-Warning "No *.md help files in '$HelpPath'; no MAML written."
    return
}

$commands = [System.Collections.Generic.List[object]]::new()
$report = [System.Collections.Generic.List[string]]::new()
foreach ($f in $files) {
    $r = Read-CommandHelp $f
    foreach ($p in $r.Problems) { $report.Add("$($f.Name): $p") }
    if ($r.Command.Name -and ($commands | Where-Object { $_.Name -eq $r.Command.Name })) {
        $report.Add("$($f.Name): command '$($r.Command.Name)' is documented in more than one file")
    }
    $commands.Add($r.Command)
}
if ($report.Count -gt 0) {
    throw ("Help markdown in '$HelpPath' does not follow the PlatyPS format ($($report.Count) problem(s)); no MAML written:`n  " +
        ($report -join "`n  "))
}

if ($AsObject) {
    $commands.ToArray()
    return
}

$outPath = $ExecutionContext.SessionState.Path.GetUnresolvedProviderPathFromPSPath($OutputFile)
$outDir = Split-Path -Parent $outPath
if ($outDir) { $null = New-Item -ItemType Directory -Force -Path $outDir }
$tmp = "$outPath.$PID.tmp"
$settings = [System.Xml.XmlWriterSettings]::new()
$settings.Indent = $true
$settings.IndentChars = '  '
$settings.Encoding = [System.Text.UTF8Encoding]::new($false)
$settings.NewLineChars = "`n"
$writer = [System.Xml.XmlWriter]::Create($tmp, $settings)
try {
    $writer.WriteStartDocument()
    $writer.WriteStartElement('helpItems', $NsMsh)
    $writer.WriteAttributeString('schema', 'maml')
    foreach ($c in $commands) { Write-Command $writer $c }
    $writer.WriteEndElement()
    $writer.WriteEndDocument()
} finally {
    $writer.Dispose()
}
Move-Item -LiteralPath $tmp -Destination $outPath -Force
Write-Verbose "Wrote help for $($commands.Count) command(s) to $outPath"
if ($PassThru) { Get-Item -LiteralPath $outPath }
