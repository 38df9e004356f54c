using System.Net;
using System.Text;
using NetSim.Experiments.Plots;

namespace NetSim.Experiments.Reports;

/// <summary>
/// Writes a self-contained HTML page: inline CSS, plots as SVG data URIs, no script and nothing fetched from the
/// network. The markup is also well-formed XML (every element closed, attributes quoted), so any XML parser and
/// <c>tidy</c> accept it.
/// </summary>
internal sealed class HtmlPage(string title)
{
    private readonly StringBuilder _body = new();

    private const string Style = """
        body { font-family: sans-serif; margin: 2em; color: #222; }
        table { border-collapse: collapse; margin: 0.5em 0 1.5em 0; }
        th, td { border: 1px solid #bbb; padding: 0.25em 0.6em; text-align: right; }
        th { background: #eee; }
        td.text, th.text { text-align: left; }
        td.pass { background: #c8efc8; }
        td.fail { background: #f6c3c3; }
        td.unmeasured { background: #f8e0a8; }
        .passed { color: #176117; } .failed { color: #a01818; }
        img { max-width: 100%; border: 1px solid #ddd; }
        """;

    public static string Encode(string text) => WebUtility.HtmlEncode(text);

    public HtmlPage Heading(int level, string text)
    {
        _body.Append($"<h{level}>{Encode(text)}</h{level}>\n");
        return this;
    }

    public HtmlPage Paragraph(string html)
    {
        _body.Append("<p>").Append(html).Append("</p>\n");
        return this;
    }

    /// <summary>A table; a cell's class (text, pass, fail, unmeasured) aligns or colours it.</summary>
    public HtmlPage Table(IReadOnlyList<string> header, IEnumerable<IReadOnlyList<(string Text, string? Class)>> rows)
    {
        _body.Append("<table>\n<thead><tr>");
        for (var i = 0; i < header.Count; i++) _body.Append(i == 0 ? "<th class=\"text\">" : "<th>").Append(Encode(header[i])).Append("</th>");
        _body.Append("</tr></thead>\n<tbody>\n");
        var any = false;
        foreach (var row in rows)
        {
            any = true;
            _body.Append("<tr>");
            foreach (var (text, cls) in row) _body.Append(cls is null ? "<td>" : $"<td class=\"{cls}\">").Append(Encode(text)).Append("</td>");
            _body.Append("</tr>\n");
        }
        if (!any) _body.Append($"<tr><td class=\"text\" colspan=\"{header.Count}\">none</td></tr>\n");
        _body.Append("</tbody>\n</table>\n");
        return this;
    }

    /// <summary>A plot inline (SVG data URI), with links to its PNG and SVG files relative to the page.</summary>
    public HtmlPage Plot(DrawnPlot plot, string pageFolder)
    {
        var svg = Convert.ToBase64String(Encoding.UTF8.GetBytes(plot.Svg));
        var png = Path.GetRelativePath(pageFolder, plot.PngPath).Replace('\\', '/');
        var svgFile = Path.GetRelativePath(pageFolder, plot.SvgPath).Replace('\\', '/');
        _body.Append($"<h3>{Encode(plot.Spec.Title)}</h3>\n")
            .Append($"<p><img src=\"data:image/svg+xml;base64,{svg}\" width=\"{PlotRenderer.Width}\" height=\"{PlotRenderer.Height}\" alt=\"{Encode(plot.Spec.Title)}\" /></p>\n")
            .Append($"<p><a href=\"{Encode(png)}\">PNG</a> | <a href=\"{Encode(svgFile)}\">SVG</a></p>\n");
        return this;
    }

    public void Write(string path)
    {
        var html = new StringBuilder()
            .Append("<!DOCTYPE html>\n<html lang=\"en\" xmlns=\"http://www.w3.org/1999/xhtml\">\n<head>\n<meta charset=\"utf-8\" />\n")
            .Append($"<title>{Encode(title)}</title>\n<style>\n{Style}</style>\n</head>\n<body>\n")
            .Append(_body)
            .Append("</body>\n</html>\n");
        File.WriteAllText(path, html.ToString(), new UTF8Encoding(false));
    }
}
