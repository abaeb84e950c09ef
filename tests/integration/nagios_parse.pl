#!/usr/bin/perl
# Reads Nagios plugin output the way the monitoring-plugins' own Perl library does (libmonitoring-plugin-perl),
# so the tests check redops against a real parser and not only against themselves.
#   nagios_parse.pl line    one plugin line on stdin; prints "status=S items=N unknown_values=U threshold_status=T"
#                           and "perf LABEL VALUE UOM WARN CRIT MIN MAX" per item; exit 1 when it is not a valid line
#   nagios_parse.pl ranges  "RANGE VALUE" per line on stdin; prints "RANGE VALUE 1|0" (alert or not) or "RANGE invalid"
use strict;
use warnings;
use Monitoring::Plugin::Performance;
use Monitoring::Plugin::Range;
use Monitoring::Plugin::Threshold;

my $mode = shift // 'line';
my @states = qw(OK WARNING CRITICAL UNKNOWN);

if ($mode eq 'ranges') {
    while (my $line = <STDIN>) {
        chomp $line;
        my ($text, $value) = split / /, $line;
        my $range = Monitoring::Plugin::Range->parse_range_string($text);
        if (!defined $range || !$range->is_set) {
            print "$text invalid\n";
            next;
        }
        printf "%s %s %d\n", $text, $value, $range->check_range($value) ? 1 : 0;
    }
    exit 0;
}

my @lines = <STDIN>;
if (@lines != 1) {
    print "expected exactly one line, got " . scalar(@lines) . "\n";
    exit 1;
}
my $line = $lines[0];
chomp $line;
unless ($line =~ /^REDIS (OK|WARNING|CRITICAL|UNKNOWN) - ([^|]+?)(?: \| (.*))?$/) {
    print "not a plugin status line: $line\n";
    exit 1;
}
my ($status, $perf) = ($1, $3);
my @items = defined $perf ? Monitoring::Plugin::Performance->parse_perfstring($perf) : ();
# The library has no "U" (unknown value) in its value pattern, which the guidelines allow: count those apart.
my $unknown = defined $perf ? () = $perf =~ /'[^']+'=U;/g : 0;
my $worst = 0;
for my $p (@items) {
    my $t = Monitoring::Plugin::Threshold->set_thresholds(warning => $p->warning, critical => $p->critical);
    my $s = $t->get_status($p->value);
    $worst = $s if $s > $worst;
    printf "perf %s %s %s %s %s %s %s\n", map { defined $_ && $_ ne '' ? $_ : '-' }
        ($p->label, $p->value, $p->uom, $p->warning, $p->critical, $p->min, $p->max);
}
printf "status=%s items=%d unknown_values=%d threshold_status=%s\n", $status, scalar(@items), $unknown, $states[$worst];
