using SunspotForecaster.Testing.Azurite;

namespace SunspotForecaster.Core.Tests.Storage;

public sealed class UniqueNamesTests
{
    [Fact]
    public void Container_and_queue_names_keep_a_lowercased_prefix_and_differ_each_call()
    {
        string a = UniqueNames.Container("Sidc-Raw");
        string b = UniqueNames.Container("Sidc-Raw");
        string queue = UniqueNames.Queue("retrain-requests-poison");

        Assert.NotEqual(a, b);
        Assert.Matches("^sidc-raw-[0-9a-f]{10}$", a);
        Assert.Matches("^retrain-requests-poison-[0-9a-f]{10}$", queue);
    }

    [Fact]
    public void Table_names_are_the_prefix_and_hex_digits_without_dashes()
    {
        string a = UniqueNames.Table("ModelVersions");
        string b = UniqueNames.Table("ModelVersions");

        Assert.NotEqual(a, b);
        Assert.Matches("^ModelVersions[0-9a-f]{10}$", a);
    }

    [Theory]
    [InlineData("")]
    [InlineData("-models")]
    [InlineData("sidc--raw")]
    [InlineData("sidc_raw")]
    [InlineData("a-prefix-that-is-far-too-long-to-leave-room-for-a-suffix")]
    public void An_invalid_container_prefix_is_refused(string prefix) =>
        Assert.Throws<ArgumentException>(() => UniqueNames.Container(prefix));

    [Theory]
    [InlineData("")]
    [InlineData("1Models")]
    [InlineData("Model-Versions")]
    [InlineData("ThisPrefixIsFarTooLongForATableNameOnceTheSuffixIsAdded")]
    public void An_invalid_table_prefix_is_refused(string prefix) =>
        Assert.Throws<ArgumentException>(() => UniqueNames.Table(prefix));
}
