/*
 * messages.c
 *    The printable pages' words in English and Welsh (see messages.h). One
 *    table: a word missing in a language is a build error, not a blank.
 */
#include "messages.h"

#include <string.h>

struct words {
	const char *en, *cy;
};

static const struct words table[M__COUNT] = {
	[M_STRATEGIC_PLAN] = {"Strategic plan", "Cynllun strategol"},
	[M_PERIOD] = {"Period", "Cyfnod"},
	[M_TO] = {"to", "i"},
	[M_STATUS] = {"Status", "Statws"},
	[M_AS_OF] = {"Progress as of", "Cynnydd ar"},
	[M_STRAND] = {"Strand", "Llinyn"},
	[M_AIM] = {"Aim", "Nod"},
	[M_OBJECTIVES] = {"Objectives", "Amcanion"},
	[M_WORK_AREA] = {"Work area", "Maes gwaith"},
	[M_SUCCESS_CRITERIA] = {"Success criteria", "Meini prawf llwyddiant"},
	[M_ACTIONS_LEVEL] = {"Actions and level", "Camau gweithredu a lefel"},
	[M_RESPONSIBILITY] = {"Responsibility", "Cyfrifoldeb"},
	[M_RESOURCES] = {"Resources", "Adnoddau"},
	[M_COMPLETION] = {"Completion", "Cwblhau"},
	[M_PROGRESS] = {"Progress", "Cynnydd"},
	[M_PROFILE] = {"Continuum profile: actions at each level", "Proffil y continwwm: camau gweithredu ar bob lefel"},
	[M_ATTENTION] = {"Actions at risk or overdue", "Camau gweithredu mewn perygl neu'n hwyr"},
	[M_BENCHMARKS] = {"Benchmarking targets", "Targedau meincnodi"},
	[M_TOTAL] = {"Total", "Cyfanswm"},
	[M_NONE] = {"None.", "Dim."},
	[M_OVERDUE] = {"overdue", "yn hwyr"},
	[M_TARGET] = {"Target", "Targed"},
	[M_REACHED] = {"Reached", "Wedi cyrraedd"},
	[M_SET_ON] = {"Set on", "Pennwyd ar"},
	[M_REVIEW_BY] = {"Review by", "Adolygu erbyn"},
	[M_DUE] = {"Due", "Erbyn"},
	[M_MONEY_BY_PART] = {"Resources named, by part of the funding", "Adnoddau a enwir, fesul rhan o'r cyllid"},
	[M_PART_1] = {"Part 1: existing pooled resources", "Rhan 1: adnoddau cyfun presennol"},
	[M_PART_2] = {"Part 2: awaiting further funding", "Rhan 2: yn aros am gyllid pellach"},
	[M_UNASSIGNED] = {"Not assigned to a part", "Heb ei neilltuo i ran"},
	[M_BENCHMARK] = {"Benchmark", "Meincnod"},
	[M_NOT_REVIEWED] = {"not yet reviewed", "heb ei adolygu eto"},
	[M_NUMBER] = {"No.", "Rhif"},
	[M_ACTION] = {"Action", "Cam gweithredu"},
	[M_NETWORKING] = {"Networking", "Rhwydweithio"},
	[M_COORDINATION] = {"Coordination", "Cydlynu"},
	[M_COOPERATION] = {"Cooperation", "Cydweithredu"},
	[M_COLLABORATION] = {"Collaboration", "Cydweithio"},
	[M_FULL_INTEGRATION] = {"Full integration", "Integreiddio llawn"},
	[M_NOT_STARTED] = {"not started", "heb ddechrau"},
	[M_ON_TRACK] = {"on track", "ar y trywydd iawn"},
	[M_AT_RISK] = {"at risk", "mewn perygl"},
	[M_COMPLETE] = {"complete", "wedi'i gwblhau"},
	[M_DROPPED] = {"dropped", "wedi'i ollwng"},
	[M_DRAFT] = {"draft", "drafft"},
	[M_AGREED] = {"agreed", "cytunwyd"},
	[M_REVIEWED] = {"reviewed", "adolygwyd"},
};

/* Every entry is filled in both languages (tests/unit/test_parsing.c checks). */
const char *
msg(enum msg m, enum lang l)
{
	if ((unsigned)m >= M__COUNT)
		return "";
	return l == LANG_CY ? table[m].cy : table[m].en;
}

static const struct {
	const char *value;
	enum msg m;
} values[] = {
	{"networking", M_NETWORKING},     {"coordination", M_COORDINATION}, {"cooperation", M_COOPERATION},
	{"collaboration", M_COLLABORATION}, {"full_integration", M_FULL_INTEGRATION},
	{"not_started", M_NOT_STARTED},   {"on_track", M_ON_TRACK},         {"at_risk", M_AT_RISK},
	{"complete", M_COMPLETE},         {"dropped", M_DROPPED},           {"draft", M_DRAFT},
	{"agreed", M_AGREED},             {"reviewed", M_REVIEWED},
	{"part_1", M_PART_1},             {"part_2", M_PART_2},
};

const char *
msg_value(const char *value, enum lang l)
{
	for (size_t i = 0; value && i < sizeof values / sizeof values[0]; i++)
		if (strcmp(values[i].value, value) == 0)
			return msg(values[i].m, l);
	return NULL;
}

const char *
msg_month(int m, enum lang l)
{
	static const char *const en[] = {"January", "February", "March", "April", "May", "June", "July",
	                                 "August", "September", "October", "November", "December"};
	static const char *const cy[] = {"Ionawr", "Chwefror", "Mawrth", "Ebrill", "Mai", "Mehefin", "Gorffennaf",
	                                 "Awst", "Medi", "Hydref", "Tachwedd", "Rhagfyr"};

	if (m < 1 || m > 12)
		return NULL;
	return l == LANG_CY ? cy[m - 1] : en[m - 1];
}

const char *
lang_tag(enum lang l)
{
	return l == LANG_CY ? "cy" : "en";
}
