// tlc_fsm: traffic-light and pedestrian-crossing controller FSM with programmable 8-bit phase timers, car/pedestrian sensors, gap-out extension and emergency override, async active-low reset
module tlc_fsm (
    input  wire       clk,
    input  wire       rst_n,
    input  wire       tick,        // time base enable (e.g. 1 Hz strobe)
    // timer programming port
    input  wire       cfg_we,
    input  wire [2:0] cfg_sel,     // 0 main green min, 1 main green max, 2 side green, 3 yellow, 4 all-red, 5 walk, 6 flash-don't-walk, 7 gap
    input  wire [7:0] cfg_val,
    // sensors
    input  wire       side_car,    // vehicle waiting on the side road
    input  wire       main_car,    // vehicle approaching on the main road (extends main green)
    input  wire       ped_btn,     // pedestrian push button (latched)
    input  wire       emerg,       // emergency vehicle preemption request
    input  wire       emerg_dir,   // 0: give main road green, 1: give side road green
    // lamps
    output reg  [2:0] main_lamp,   // {red, yellow, green}
    output reg  [2:0] side_lamp,   // {red, yellow, green}
    output reg        walk,
    output reg        dont_walk,
    output wire       ped_wait,    // pedestrian request latched
    output wire [3:0] phase        // current state, for observation
);
    localparam [3:0] S_MG    = 4'd0,  // main green (minimum time)
                     S_MGX   = 4'd1,  // main green extension (gap-out / max)
                     S_MY    = 4'd2,  // main yellow
                     S_AR1   = 4'd3,  // all red after main
                     S_SG    = 4'd4,  // side green
                     S_SY    = 4'd5,  // side yellow
                     S_AR2   = 4'd6,  // all red after side
                     S_WALK  = 4'd7,  // pedestrian walk (all vehicles red)
                     S_FDW   = 4'd8,  // flashing don't-walk
                     S_EMY   = 4'd9,  // emergency: yellow on the conflicting road
                     S_EMR   = 4'd10, // emergency: all red clearance
                     S_EMG   = 4'd11; // emergency: hold green for the requested road

    reg [7:0] t_mgmin, t_mgmax, t_sg, t_y, t_ar, t_walk, t_fdw, t_gap;
    reg [3:0] state, nstate;
    reg [7:0] timer;      // counts down the current phase
    reg [7:0] gap;        // counts down the main-road gap timer
    reg [7:0] maxt;       // counts down the main green maximum
    reg       ped_req, side_req, edir, flash;
    reg [7:0] load_val;
    reg       load;

    assign ped_wait = ped_req;
    assign phase    = state;

    wire t_done   = (timer == 8'd0);
    wire gap_out  = (gap == 8'd0);
    wire max_out  = (maxt == 8'd0);
    wire demand   = side_req | ped_req;
    // which road is currently showing green/yellow (used by emergency entry)
    wire main_go  = (state == S_MG) | (state == S_MGX) | (state == S_MY);
    wire side_go  = (state == S_SG) | (state == S_SY);

    // next-state logic
    always @(*) begin
        nstate   = state;
        load     = 1'b0;
        load_val = 8'd0;
        if (emerg && state != S_EMY && state != S_EMR && state != S_EMG) begin
            // preempt: clear the conflicting road first
            if ((main_go && emerg_dir) || (side_go && !emerg_dir)) begin
                nstate = S_EMY;  load = 1'b1;  load_val = t_y;
            end else begin
                nstate = S_EMR;  load = 1'b1;  load_val = t_ar;
            end
        end else begin
            case (state)
                S_MG:   if (tick && t_done) begin
                            nstate = S_MGX; load = 1'b1; load_val = t_gap;
                        end
                S_MGX:  if (demand && (gap_out || max_out)) begin
                            nstate = S_MY;  load = 1'b1; load_val = t_y;
                        end
                S_MY:   if (tick && t_done) begin
                            nstate = S_AR1; load = 1'b1; load_val = t_ar;
                        end
                S_AR1:  if (tick && t_done) begin
                            if (ped_req) begin
                                nstate = S_WALK; load = 1'b1; load_val = t_walk;
                            end else if (side_req) begin
                                nstate = S_SG;   load = 1'b1; load_val = t_sg;
                            end else begin
                                nstate = S_MG;   load = 1'b1; load_val = t_mgmin;
                            end
                        end
                S_SG:   if (tick && (t_done || (!side_car && timer < (t_sg >> 1)))) begin
                            nstate = S_SY;  load = 1'b1; load_val = t_y;
                        end
                S_SY:   if (tick && t_done) begin
                            nstate = S_AR2; load = 1'b1; load_val = t_ar;
                        end
                S_AR2:  if (tick && t_done) begin
                            if (ped_req) begin
                                nstate = S_WALK; load = 1'b1; load_val = t_walk;
                            end else begin
                                nstate = S_MG;   load = 1'b1; load_val = t_mgmin;
                            end
                        end
                S_WALK: if (tick && t_done) begin
                            nstate = S_FDW; load = 1'b1; load_val = t_fdw;
                        end
                S_FDW:  if (tick && t_done) begin
                            if (side_req) begin
                                nstate = S_SG;  load = 1'b1; load_val = t_sg;
                            end else begin
                                nstate = S_MG;  load = 1'b1; load_val = t_mgmin;
                            end
                        end
                S_EMY:  if (tick && t_done) begin
                            nstate = S_EMR; load = 1'b1; load_val = t_ar;
                        end
                S_EMR:  if (tick && t_done) begin
                            nstate = S_EMG; load = 1'b1; load_val = 8'd0;
                        end
                S_EMG:  if (!emerg) begin
                            // leave through the yellow of the road that held the green
                            nstate = edir ? S_SY : S_MY; load = 1'b1; load_val = t_y;
                        end
                default: begin
                            nstate = S_AR1; load = 1'b1; load_val = t_ar;
                        end
            endcase
        end
    end

    always @(posedge clk or negedge rst_n) begin
        if (!rst_n) begin
            t_mgmin <= 8'd20;  t_mgmax <= 8'd60;  t_sg  <= 8'd25;  t_y   <= 8'd4;
            t_ar    <= 8'd2;   t_walk  <= 8'd10;  t_fdw <= 8'd8;   t_gap <= 8'd3;
            state    <= S_AR1;
            timer    <= 8'd2;
            gap      <= 8'd0;
            maxt     <= 8'd0;
            ped_req  <= 1'b0;
            side_req <= 1'b0;
            edir     <= 1'b0;
            flash    <= 1'b0;
        end else begin
            if (cfg_we) begin
                case (cfg_sel)
                    3'd0: t_mgmin <= cfg_val;
                    3'd1: t_mgmax <= cfg_val;
                    3'd2: t_sg    <= cfg_val;
                    3'd3: t_y     <= cfg_val;
                    3'd4: t_ar    <= cfg_val;
                    3'd5: t_walk  <= cfg_val;
                    3'd6: t_fdw   <= cfg_val;
                    default: t_gap <= cfg_val;
                endcase
            end
            state <= nstate;
            // phase timer
            if (load)
                timer <= load_val;
            else if (tick && !t_done)
                timer <= timer - 8'd1;
            // main-road gap timer: reloaded by every approaching car during the extension
            if (state != S_MGX || main_car)
                gap <= t_gap;
            else if (tick && !gap_out)
                gap <= gap - 8'd1;
            // main green maximum runs from the start of main green
            if (state != S_MG && state != S_MGX)
                maxt <= t_mgmax;
            else if (tick && !max_out)
                maxt <= maxt - 8'd1;
            // requests
            if (state == S_WALK)
                ped_req <= 1'b0;
            else if (ped_btn)
                ped_req <= 1'b1;
            if (state == S_SG)
                side_req <= 1'b0;
            else if (side_car)
                side_req <= 1'b1;
            if (nstate == S_EMY || nstate == S_EMR)
                edir <= emerg_dir;
            if (tick)
                flash <= ~flash;
        end
    end

    // lamp decode
    always @(*) begin
        main_lamp = 3'b100;
        side_lamp = 3'b100;
        walk      = 1'b0;
        dont_walk = 1'b1;
        case (state)
            S_MG, S_MGX: main_lamp = 3'b001;
            S_MY:        main_lamp = 3'b010;
            S_SG:        side_lamp = 3'b001;
            S_SY:        side_lamp = 3'b010;
            S_WALK:      begin walk = 1'b1; dont_walk = 1'b0; end
            S_FDW:       dont_walk = flash;
            S_EMY:       if (edir) main_lamp = 3'b010; else side_lamp = 3'b010;
            S_EMG:       if (edir) side_lamp = 3'b001; else main_lamp = 3'b001;
            default:     ;
        endcase
    end
endmodule
