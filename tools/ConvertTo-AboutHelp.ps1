<#
.SYNOPSIS
    Converts the conceptual help topics docs/help/about_*.md into the plain-text about_*.help.txt files that
    Get-Help about_<Topic> reads from the module's en-US folder.

.DESCRIPTION
    The Markdown is kept small: '# about_Name' (the first line) becomes the TOPIC section, each '## HEADING' a
    section heading at the left margin, each paragraph is wrapped at 80 columns and indented by four spaces, an
    indented code block (four spaces) keeps its lines, indented by four more, and `backticks` are dropped.
    A file whose first line is not '# about_<its own name>' is an error, as is a heading other than '##'.
#>
param(
    # Folder holding the about_*.md sources (docs/help).
    [Parameter(Mandatory)] [string] $HelpPath,
    # Folder to write the about_*.help.txt files to (the module's en-US).
    [Parameter(Mandatory)] [string] $OutputPath
)
$ErrorActionPreference = 'Stop'

function Format-Paragraph([string] $Text, [int] $Indent = 4, [int] $Width = 80) {
    $pad = ' ' * $Indent
    $line = ''
    foreach ($word in ($Text -split '\s+' | Where-Object { $_ })) {
        if ($line.Length -gt 0 -and $pad.Length + $line.Length + 1 + $word.Length -gt $Width) { $pad + $line; $line = $word }
        elseif ($line.Length -gt 0) { $line += ' ' + $word }
        else { $line = $word }
    }
    if ($line) { $pad + $line }
}

New-Item -ItemType Directory -Force -Path $OutputPath | Out-Null
foreach ($file in Get-ChildItem -LiteralPath $HelpPath -Filter 'about_*.md' -File) {
    $topic = $file.BaseName
    $lines = [IO.File]::ReadAllLines($file.FullName)
    if ($lines.Count -eq 0 -or $lines[0] -ne "# $topic") { throw "$($file.Name): the first line must be '# $topic'" }
    $out = [System.Collections.Generic.List[string]]::new()
    $out.Add('TOPIC'); $out.Add("    $topic"); $out.Add('')
    $paragraph = [System.Collections.Generic.List[string]]::new()
    $flush = {
        if ($paragraph.Count) { foreach ($l in Format-Paragraph (($paragraph -join ' ') -replace '`', '')) { $out.Add($l) }; $out.Add(''); $paragraph.Clear() }
    }
    for ($i = 1; $i -lt $lines.Count; $i++) {
        $l = $lines[$i]
        if ($l -match '^#') {
            & $flush
            if ($l -notmatch '^## (\S.*)$') { throw "$($file.Name):$($i + 1): only '## ' headings are allowed" }
            $out.Add($Matches[1].ToUpperInvariant())
        }
        elseif ($l -match '^    ') {
            # an indented code block: every line kept as written (deeper indents, comments, continuations), and a
            # blank line inside it kept when the block goes on after it
            & $flush
            $out.Add('    ' + $l.TrimEnd())
            $j = $i + 1
            while ($j -lt $lines.Count -and $lines[$j].Trim() -eq '') { $j++ }
            if ($j -lt $lines.Count -and $j -gt $i + 1 -and $lines[$j] -match '^    ') { for ($k = $i + 1; $k -lt $j; $k++) { $out.Add('') }; $i = $j - 1 }
            elseif ($i + 1 -lt $lines.Count -and $lines[$i + 1] -notmatch '^    ') { $out.Add('') }
        }
        elseif ($l.Trim() -eq '') { & $flush }
        else { $paragraph.Add($l.Trim()) }
    }
    & $flush
    [IO.File]::WriteAllText((Join-Path $OutputPath "$topic.help.txt"), (($out -join "`n").TrimEnd() + "`n"))
}
