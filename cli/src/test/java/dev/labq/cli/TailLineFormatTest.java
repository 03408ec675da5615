package dev.labq.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.io.IOException;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** `labq tail` for people: one line per entry, from the entry's JSON alone. */
class TailLineFormatTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static String line(String json) throws IOException {
        return TailLineFormat.format(JSON.readTree(json.replace('\'', '"')));
    }

    @Test
    void dispatchShowsTheJobItsAttemptAndWhatItWasGiven() throws IOException {
        assertEquals("12  2026-12-03T18:00:01Z  Dispatched        job=3 attempt=1 cpus=1 mem=2048M gpus=[0,1] policy=labq priority=12.5",
                line("{'index':12,'type':'Dispatched','time':'2026-12-03T18:00:01.250Z','event':{'job':3,'attempt':1,"
                        + "'allocation':{'cpus':1,'memoryMb':2048,'gpuIds':[0,1]},"
                        + "'decidedBy':{'policy':'labq','priority':12.5,'factors':{'age':1.5},'backfilled':false}}}"));
    }

    @Test
    void aPipelineShowsItsFirstJobAndHowManyTasks() throws IOException {
        assertEquals("7  2026-12-03T18:00:00Z  JobsSubmitted     job=40 jobs=2",
                line("{'index':7,'type':'JobsSubmitted','time':'2026-12-03T18:00:00Z','event':{'job':40,'jobs':["
                        + "{'name':'a','argv':['true'],'project':'p','user':'u'},{'name':'b','argv':['true'],'project':'p',"
                        + "'user':'u','afterOk':[40]}]}}"));
    }

    @Test
    void submissionShowsItsOptionsAndEndsWithTheCommandAsTyped() throws IOException {
        assertEquals("1  2026-12-03T18:00:00Z  Submitted         job=1 name=train project=research user=ana cpus=2 mem=512M gpus=1"
                        + " gpuType=a100 deadline=2030-01-01T00:00:00Z time=1:30:00 afterOk=[4,5] hold=true"
                        + " -- python 'my script.py' 'it'\\''s' --lr=0.1",
                line("{'index':1,'type':'Submitted','time':'2026-12-03T18:00:00Z','event':{'job':1,'spec':{"
                        + "'name':'train','kind':'PROCESS','argv':['python','my script.py','it\\u0027s','--lr=0.1'],"
                        + "'shell':false,'env':{'PATH':'/usr/bin','SECRET':'x'},'workdir':'/home/ana/exp',"
                        + "'project':'research','user':'ana','resources':{'cpus':2,'memoryMb':512,'gpus':1,'gpuType':'a100'},"
                        + "'importance':null,'deadlineMillis':1893456000000,'timeLimitSeconds':5400,'afterOk':[4,5],"
                        + "'hold':true,'nice':null}}}"));
    }

    @Test
    void zeroIsAValueButNullFalseAndEmptyAreLeftOut() throws IOException {
        assertEquals("9  2026-12-03T18:00:09Z  Finished          job=2 attempt=1 state=COMPLETED exitCode=0 reason=Completed",
                line("{'index':9,'type':'Finished','time':'2026-12-03T18:00:09Z','event':{'job':2,'attempt':1,"
                        + "'state':'COMPLETED','exitCode':0,'reason':'Completed','note':null,'flag':false,'list':[],'text':''}}"));
    }

    @Test
    void textThatWouldSplitTheLineIsQuoted() throws IOException {
        assertEquals("9  2026-12-03T18:00:09Z  Requeued          job=2 attempt=1 reason=\"lost with its machine: pid 77 gone\"",
                line("{'index':9,'type':'Requeued','time':'2026-12-03T18:00:09Z','event':{'job':2,'attempt':1,"
                        + "'reason':'lost with its machine: pid 77 gone'}}"));
    }

    @Test
    void entryOfNoJobHasNoJobField() throws IOException {
        assertEquals("5  2026-12-03T18:00:00Z  SchedulerStarted  pid=4242",
                line("{'index':5,'type':'SchedulerStarted','time':'2026-12-03T18:00:00Z','event':{'pid':4242}}"));
        assertEquals("6  2026-12-03T18:00:00Z  ProjectSet        project=research user=ana share=0.25",
                line("{'index':6,'type':'ProjectSet','time':'2026-12-03T18:00:00Z','event':{'project':'research',"
                        + "'user':'ana','importance':null,'share':0.25}}"));
    }

    @Test
    void eventTypeThisFormatHasNeverSeenStillPrintsEveryField() throws IOException {
        assertEquals("7  2026-12-03T18:00:00Z  Migrated          job=4 to=node-2 tags=[a,\"b c\"] at=2026-12-03T19:00:00Z"
                        + " limit=1-01:00:05 grace=0:30",
                line("{'index':7,'type':'Migrated','time':'2026-12-03T18:00:00Z','event':{'job':4,'to':'node-2',"
                        + "'tags':['a','b c'],'window':{'atMillis':1796324400000,'limitSeconds':90005,'graceSeconds':30}}}"));
    }

    @Test
    void typeLongerThanTheColumnStillLeavesTwoSpaces() throws IOException {
        JsonNode entry = JSON.readTree("{\"index\":1,\"type\":\"AVeryLongEventTypeName\",\"time\":\"2026-12-03T18:00:00Z\","
                + "\"event\":{\"job\":1}}");
        assertEquals("1  2026-12-03T18:00:00Z  AVeryLongEventTypeName  job=1", TailLineFormat.format(entry));
        assertEquals("1  2026-12-03T18:00:00Z  Held",
                TailLineFormat.format(JSON.readTree("{\"index\":1,\"type\":\"Held\",\"time\":\"2026-12-03T18:00:00Z\",\"event\":{}}")));
    }
}
