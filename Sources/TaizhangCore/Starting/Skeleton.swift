/// The texts of a new empty workspace (`taizhang init --empty`): the smallest definitions
/// that validate, with comments in Chinese saying what to fill in.
enum Skeleton {
    static func files(year: Int) -> [(String, String)] {
        [
            ("checklists/taizhang.xml", master(year: year)),
            ("checklists/street.xml", street(year: year)),
            ("checklists/catalogue/01-sample.xml", category),
            ("checklists/tasks.xml", tasks(year: year)),
        ]
    }

    static func master(year: Int) -> String {
        """
        <?xml version="1.0" encoding="UTF-8"?>
        <!--
          台账定义的主文件。用 xi:include 把下列文件拼在一起：
            street.xml              街道：社区、人员、工作组
            catalogue/*.xml         台账目录：每个文件一个类别（指标和台账条目）
            tasks.xml               各工作组的任务
          每个文件都注明了 schema/taizhang.xsd，XML 编辑器可以边写边检查；
          改完后运行 taizhang validate。
        -->
        <taizhang version="1" xmlns:xi="http://www.w3.org/2001/XInclude"
                  xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
                  xsi:noNamespaceSchemaLocation="schema/taizhang.xsd">
          <xi:include href="street.xml"/>
          <catalogue name="\(year)年度人口计生目标管理责任制考核台账目录" totalPoints="10">
            <xi:include href="catalogue/01-sample.xml"/>
          </catalogue>
          <xi:include href="tasks.xml"/>
        </taizhang>

        """
    }

    static func street(year: Int) -> String {
        """
        <?xml version="1.0" encoding="UTF-8"?>
        <!--
          街道：考核年度 \(year)，统计年度 \(year - 1)-10-01 至 \(year)-09-30。
          inspectionDate（考核日期）是示例值，区里通知考核日期后修改。
          标有 sample="true" 的社区和人员是示例，换成真实的名称后删去 sample="true"。
        -->
        <street xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
                xsi:noNamespaceSchemaLocation="schema/taizhang.xsd"
                id="street" name="示例街道" office="示例街道办事处" section="计生科"
                year="\(year)" periodStart="\(year - 1)-10-01" periodEnd="\(year)-09-30"
                inspectionDate="\(year)-12-10">

          <!-- 社区（工作站）：id 用小写字母和数字，code 是打印在台账上的简称。 -->
          <communities>
            <community id="c01" name="示例社区" code="SL" lead="p02" sample="true"/>
          </communities>

          <!-- 人员：roles="preparation" 是迎检准备组（可改所有条目），first-escort 是社区的第一陪调。 -->
          <people>
            <person id="p01" name="示例科长" role="计生科科长" roles="preparation" sample="true"/>
            <person id="p02" name="示例站长" role="社区工作站站长" community="c01" roles="first-escort" sample="true"/>
          </people>

          <!-- 工作组：每组一名组长（lead），成员用 member 列出。 -->
          <groups>
            <group id="g1" number="1" name="台账准备组" lead="p01">
              <member ref="p02"/>
              <duty>整理街道和社区的台账资料</duty>
            </group>
          </groups>
        </street>

        """
    }

    static let category = """
        <?xml version="1.0" encoding="UTF-8"?>
        <!--
          一个类别（装订成一本或几本台账盒）：指标（indicator）下列出台账条目（item），
          条目下列出应有的文件（document）。分值之和要等于类别的 points。
          这是一个示例类别，照着它写真实的考核指标。
        -->
        <category xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
                  xsi:noNamespaceSchemaLocation="../schema/taizhang.xsd"
                  code="01" name="组织保障" points="10" sample="true">
          <indicator code="1.1" name="目标管理责任" points="10" method="document-review" level="both" group="g1">
            <standard>签订人口计生目标管理责任书，缺一份扣0.5分。</standard>
            <item code="01.01" title="目标管理责任书">
              <document title="人口计生目标管理责任书"/>
            </item>
          </indicator>
        </category>

        """

    static func tasks(year: Int) -> String {
        """
        <?xml version="1.0" encoding="UTF-8"?>
        <!--
          各工作组的任务：due="YYYY-MM-DD" 是固定日期，before="N" 是考核日前 N 天。
          owner 是负责人（人员 id）。
        -->
        <tasks xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
               xsi:noNamespaceSchemaLocation="schema/taizhang.xsd">
          <task id="t-g1-01" group="g1" owner="p01" due="\(year)-10-31">下发台账目录并讲解填写要求</task>
          <task id="t-g1-02" group="g1" owner="p02" before="14">检查社区台账是否齐全</task>
        </tasks>

        """
    }

    static func readme(_ content: WorkspaceStarter.Content) -> String {
        let start =
            switch content {
            case .example:
                """
                这是 Taizhang 自带的示例工作区：东湖街道 2014 年度的考核台账（9 个社区、7 个工作组、完整的台账目录）。
                标有 sample="true" 的名称是虚构的示例；walkthrough/ 里的住户数据也是虚构的。
                要开始新的年度，运行 `taizhang new-year --year 2015 --inspection-date YYYY-MM-DD`。
                """
            case .empty:
                """
                这是一个新的空白工作区：一个示例社区、一个工作组、一个示例类别（一项指标、一个台账条目）。
                照着示例写上本街道的社区、人员、工作组和考核指标；标有 sample="true" 的是示例，换成真实内容。
                """
            }
        return """
            # 台账工作区

            \(start)

            ## 文件说明

            - `checklists/taizhang.xml` — 主文件，用 xi:include 引入下面的文件。
            - `checklists/street.xml` — 街道：考核年度、统计年度、考核日期、社区、人员、工作组。
            - `checklists/catalogue/` — 台账目录，每个文件一个类别：指标、评分标准、台账条目和应有的文件。
            - `checklists/tasks.xml` — 各工作组的任务和完成期限。
            - `checklists/schema/` — 格式定义（XSD），不用修改；XML 编辑器用它边写边检查。
            - `templates/` — 打印页面的模板（封面、目录、说明页等），可以按需要修改。
            - `output/` — `taizhang generate` 生成的台账包；放进各条目文件夹的文件不会被删除或覆盖。
            - `.taizhang/` — 跟踪数据库（勾选状态、任务完成情况、操作记录）。

            ## 常用命令

            ```sh
            taizhang validate                       # 检查定义：格式、引用、分值、日期
            taizhang generate                       # 生成台账包 → output/
            taizhang status                         # 进度、倒计时、逾期任务
            taizhang new-year --year 下一年 --inspection-date YYYY-MM-DD   # 开始新的考核年度
            ```

            """
    }
}
